package dev.keyvault.cli.internal;

import dev.keyvault.HashingReport;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;

/** {@code keyvault hashes}: the pepper playbook's progress. */
@Command(name = "hashes",
        header = "Count the active keys per hash scheme (the pepper playbook's progress).",
        description = "How the active keys' secrets are stored: keys per hash scheme (algorithm with its pepper id or"
                + " parameters), which one is current, how many keys are left to move, and schemes no configured pepper can"
                + " read. Keys move to the current scheme on their next verify.",
        footerHeading = "%nExample (the pepper playbook, step 2: has every key left pepper v1?):%n",
        footer = {"  KEYVAULT_PEPPER=\"v2:…,v1:…\" keyvault hashes",
                "%nJSON: {command, current, pepperStatus, keysToMove, schemes: [{scheme, keys, current, readable}]}."})
final class HashesCommand extends BaseCommand {
    @Override
    int run(Context ctx, Session session) {
        var keys = session.keys();
        HashingReport report = keys.hashingReport();
        if (ctx.json()) {
            List<Json.Obj> schemes = new ArrayList<>();
            for (HashingReport.Scheme s : report.schemes()) {
                schemes.add(Json.obj().put("scheme", s.scheme()).put("keys", s.keys()).put("current", s.current())
                        .put("readable", s.readable()));
            }
            ctx.emit(result().put("current", report.current()).put("pepperStatus", keys.pepperStatus())
                    .put("keysToMove", report.keysToMove()).put("schemes", schemes));
            return ExitCode.OK;
        }
        ctx.line("current scheme: " + report.current() + " (pepper " + keys.pepperStatus() + "); " + report.keysToMove()
                + " active key(s) to move");
        if (!report.schemes().isEmpty()) {
            ctx.line("");
            Table t = Table.of("SCHEME", "KEYS", "CURRENT", "READABLE");
            for (HashingReport.Scheme s : report.schemes()) {
                t.row(s.scheme(), s.keys(), s.current() ? Table.cell("yes", Style.GREEN) : "no",
                        s.readable() ? "yes" : Table.cell("no: those keys fail until the pepper is configured again", Style.RED));
            }
            t.print(ctx.out(), ctx.style());
        }
        return ExitCode.OK;
    }
}
