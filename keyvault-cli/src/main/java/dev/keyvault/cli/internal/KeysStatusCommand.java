package dev.keyvault.cli.internal;

import dev.keyvault.rotation.RotationStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code keyvault keys status OLD-ID}. */
@Command(name = "status",
        header = "Show where a rotation stands: who is still on the old key.",
        description = "Where a rotation stands: both keys' last use, every client seen on the old key since the rotation"
                + " and whether it has moved to the successor, how long the old key has been quiet, and whether it is safe"
                + " to revoke.",
        footerHeading = "%nExample (the guide's 'update consumers, verify' step):%n",
        footer = {"  keyvault keys status 3kP9xYb2QmZ7",
                "%nJSON: {command, predecessor, successor, asOf, rotatedAt, state, safeToRevoke, oldKeyQuietSince,"
                        + " oldKeyQuietFor, quietPeriod, deadline, clients: [{client, clientIps, requestsOnOldKey,"
                        + " firstSeenOnOldKey, lastSeenOnOldKey, requestsAfterRevocation, firstSeenOnSuccessor, migrated,"
                        + " blocking}]}; state is OPEN, SAFE_TO_COMPLETE, DEADLINE_PASSED, COMPLETED or ABANDONED."})
final class KeysStatusCommand extends BaseCommand {
    @Parameters(index = "0", paramLabel = "<old-key-id>", description = "The key that was rotated (the old one).")
    String id;

    @Override
    void validate(Context ctx) {
        keyId(id, "<old-key-id>");
    }

    @Override
    int run(Context ctx, Session session) {
        RotationStatus s = session.keys().rotation().status(id);
        Instant now = ctx.clock().instant();
        Set<RotationStatus.ClientMigration> blocking = Set.copyOf(s.blockingClients());
        if (ctx.json()) {
            List<Json.Obj> clients = new ArrayList<>();
            for (RotationStatus.ClientMigration c : s.clients()) {
                clients.add(Views.client(c, blocking.contains(c)));
            }
            ctx.emit(result()
                    .put("predecessor", Views.key(s.predecessor(), now))
                    .put("successor", Views.key(s.successor(), now))
                    .put("asOf", s.asOf())
                    .put("rotatedAt", s.rotatedAt())
                    .put("state", s.state())
                    .put("safeToRevoke", s.safeToRevoke())
                    .put("oldKeyQuietSince", s.oldKeyQuietSince())
                    .put("oldKeyQuietFor", s.oldKeyQuietFor())
                    .put("quietPeriod", s.quietPeriod())
                    .put("deadline", s.deadline())
                    .put("clients", clients));
            return ExitCode.OK;
        }
        Style style = ctx.style();
        Table head = Table.of("ROTATION", Views.label(s.predecessor()) + " -> " + Views.label(s.successor()));
        head.row("rotated", Instants.human(s.rotatedAt()));
        head.row("state", Table.cell(s.state() + (s.safeToRevoke() ? " (safe to revoke the old key)" : ""),
                s.safeToRevoke() ? Style.GREEN : s.state() == RotationStatus.State.OPEN ? Style.YELLOW : ""));
        head.row("old key last used", Instants.human(s.predecessorLastUsedAt()));
        head.row("old key quiet for", Durations.human(s.oldKeyQuietFor()) + " (needs " + Durations.human(s.quietPeriod()) + ")");
        head.row("successor last used", Instants.human(s.successorLastUsedAt()));
        head.row("deadline", s.deadline().map(d -> Instants.human(d) + " (the old key expires)").orElse("none"));
        head.print(ctx.out(), style);
        ctx.line("");
        if (s.clients().isEmpty()) {
            ctx.line("no client has used the old key since the rotation");
            return ExitCode.OK;
        }
        Table t = Table.of("CLIENT", "ADDRESSES", "ON OLD KEY", "LAST ON OLD KEY", "ON SUCCESSOR SINCE", "AFTER REVOCATION", "BLOCKING");
        for (RotationStatus.ClientMigration c : s.clients()) {
            boolean blocks = blocking.contains(c);
            t.row(Table.cell(c.client(), c.migrated() ? "" : Style.YELLOW), Views.joined(c.clientIps()), c.requestsOnOldKey(),
                    Instants.human(c.lastSeenOnOldKey()), c.firstSeenOnSuccessor().map(Instants::human).orElse("not yet"),
                    c.requestsAfterRevocation() > 0 ? Table.cell(String.valueOf(c.requestsAfterRevocation()), Style.RED) : "0",
                    blocks ? Table.cell("yes", Style.YELLOW) : "no");
        }
        t.print(ctx.out(), style);
        return ExitCode.OK;
    }
}
