package dev.keyvault.cli.internal;

import dev.keyvault.KeyEvent;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code keyvault keys history ID}. */
@Command(name = "history",
        header = "Show a key's history, oldest first.",
        description = "A key's history, oldest first: issue, rotations, deliveries, refusals, revocation. Kept forever.",
        footerHeading = "%nExample:%n",
        footer = {"  keyvault keys history 3kP9xYb2QmZ7",
                "%nJSON: {command, keyId, events: [{at, type, actor, detail}]}."})
final class KeysHistoryCommand extends BaseCommand {
    @Parameters(index = "0", paramLabel = "<key-id>", description = "The key.")
    String id;

    @Override
    void validate(Context ctx) {
        keyId(id, "<key-id>");
    }

    @Override
    int run(Context ctx, Session session) {
        var keys = session.keys();
        existing(keys, id);
        List<KeyEvent> events = keys.history(id);
        if (ctx.json()) {
            List<Json.Obj> list = new ArrayList<>();
            for (KeyEvent e : events) {
                list.add(Views.event(e));
            }
            ctx.emit(result().put("keyId", id).put("events", list));
            return ExitCode.OK;
        }
        Table t = Table.of("AT", "EVENT", "ACTOR", "DETAIL");
        for (KeyEvent e : events) {
            t.row(Instants.human(e.at()), e.type(), e.actor(), e.detail());
        }
        t.print(ctx.out(), ctx.style());
        return ExitCode.OK;
    }
}
