package dev.keyvault.cli.internal;

import dev.keyvault.UsageRollup;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code keyvault keys usage ID}. */
@Command(name = "usage",
        header = "Show a key's recorded usage per minute.",
        description = "A key's recorded usage, per minute, method, endpoint, client and status (what the application's nodes"
                + " have flushed). Default window: the last 24 hours.",
        footerHeading = "%nExample:%n",
        footer = {"  keyvault keys usage 3kP9xYb2QmZ7 --since 2h",
                "%nJSON: {command, keyId, from, to, totalRequests, rollups: [{minute, method, endpoint, clientIp, userAgent,"
                        + " consumer, client, status, count, firstSeen, lastSeen}]}."})
final class KeysUsageCommand extends BaseCommand {
    @Parameters(index = "0", paramLabel = "<key-id>", description = "The key.")
    String id;

    @Mixin
    TimeWindow window;

    private Instant[] range;

    @Override
    void validate(Context ctx) {
        keyId(id, "<key-id>");
        range = window.resolve(ctx.clock().instant(), Duration.ofHours(24));
    }

    @Override
    int run(Context ctx, Session session) {
        var keys = session.keys();
        existing(keys, id);
        List<UsageRollup> rollups = keys.usage(id, range[0], range[1]);
        long total = 0;
        for (UsageRollup r : rollups) {
            total += r.count();
        }
        if (ctx.json()) {
            List<Json.Obj> list = new ArrayList<>();
            for (UsageRollup r : rollups) {
                list.add(Views.rollup(r));
            }
            ctx.emit(result().put("keyId", id).put("from", range[0]).put("to", range[1]).put("totalRequests", total).put("rollups", list));
            return ExitCode.OK;
        }
        ctx.line(total + " requests from " + Instants.human(range[0]) + " to " + Instants.human(range[1]));
        if (!rollups.isEmpty()) {
            Table t = Table.of("MINUTE", "METHOD", "ENDPOINT", "CLIENT", "STATUS", "COUNT");
            for (UsageRollup r : rollups) {
                t.row(Instants.human(r.minute()), r.method(), r.endpoint(), r.client(),
                        Table.cell(String.valueOf(r.status()), r.status() >= 400 ? Style.YELLOW : ""), r.count());
            }
            ctx.line("");
            t.print(ctx.out(), ctx.style());
        }
        return ExitCode.OK;
    }
}
