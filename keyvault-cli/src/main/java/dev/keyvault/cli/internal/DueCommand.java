package dev.keyvault.cli.internal;

import dev.keyvault.KeyQuery;
import dev.keyvault.rotation.RotationDue;
import dev.keyvault.rotation.RotationDueReport;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code keyvault due}. */
@Command(name = "due",
        header = "List the keys whose rotation is overdue, due or upcoming, by risk class.",
        description = "Which active keys must be rotated, by urgency: overdue (due more than a day ago), due, and upcoming"
                + " (within 14 days). Cadence by risk class: read-only 365 days, write 180, broad or full access 90,"
                + " compromised now.",
        footerHeading = "%nExample (the guide's 'rotate by risk'; a daily job alerting on exit 3):%n",
        footer = {"  keyvault due --environment production --fail-on-overdue",
                "%nJSON: {command, asOf, filter: {owner, environment, tag}, actionRequired, overdue: [entry], due: [entry],"
                        + " upcoming: [entry]}; an entry is {key, riskClass, dueAt, urgency, reason, advice,"
                        + " rotationInProgress}."})
final class DueCommand extends BaseCommand {
    @Mixin
    KeySelection selection;

    @Option(names = "--at", paramLabel = "<time>", converter = Instants.class, description = "Ask about this time instead of now.")
    Instant at;

    @Option(names = "--fail-on-overdue", description = "Exit 3 when a key is overdue (for cron and monitoring).")
    boolean failOnOverdue;

    private KeyQuery filter;

    @Override
    void validate(Context ctx) {
        filter = selection.query();
    }

    @Override
    int run(Context ctx, Session session) {
        Instant asOf = at != null ? at : ctx.clock().instant();
        RotationDueReport report = session.keys().rotationDue(asOf);
        List<RotationDue> overdue = new ArrayList<>();
        List<RotationDue> due = new ArrayList<>();
        List<RotationDue> upcoming = new ArrayList<>();
        for (RotationDue d : report.entries()) {
            if (!filter.matches(d.key())) {
                continue;
            }
            switch (d.urgency()) {
                case OVERDUE -> overdue.add(d);
                case DUE -> due.add(d);
                case UPCOMING -> upcoming.add(d);
            }
        }
        Instant now = ctx.clock().instant();
        if (ctx.json()) {
            ctx.emit(result().put("asOf", asOf).put("filter", selection.json())
                    .put("actionRequired", !overdue.isEmpty() || !due.isEmpty())
                    .put("overdue", entries(overdue, now)).put("due", entries(due, now)).put("upcoming", entries(upcoming, now)));
        } else if (overdue.isEmpty() && due.isEmpty() && upcoming.isEmpty()) {
            ctx.line("no key is due for rotation as of " + Instants.human(asOf));
        } else {
            ctx.line(overdue.size() + " overdue, " + due.size() + " due, " + upcoming.size() + " upcoming as of " + Instants.human(asOf));
            ctx.line("");
            Table t = Table.of("URGENCY", "ID", "NAME", "OWNER", "ENVIRONMENT", "RISK CLASS", "DUE AT", "ROTATING", "ADVICE");
            List<RotationDue> all = new ArrayList<>(overdue);
            all.addAll(due);
            all.addAll(upcoming);
            for (RotationDue d : all) {
                String colour = switch (d.urgency()) {
                    case OVERDUE -> Style.RED;
                    case DUE -> Style.YELLOW;
                    case UPCOMING -> "";
                };
                t.row(Table.cell(d.urgency().name(), colour), d.key().id(), d.key().name(), d.key().owner(), d.key().environment(),
                        d.riskClass(), Instants.human(d.dueAt()), d.rotationInProgress() ? "yes" : "no", d.advice().orElse(""));
            }
            t.print(ctx.out(), ctx.style());
        }
        if (failOnOverdue && !overdue.isEmpty()) {
            ctx.note("keyvault due: " + overdue.size() + " key(s) overdue for rotation; rotate them ('keyvault keys rotate"
                    + " <id>' or 'keyvault auto-rotate')");
            return ExitCode.CHECK_FAILED;
        }
        return ExitCode.OK;
    }

    private static List<Json.Obj> entries(List<RotationDue> list, Instant now) {
        List<Json.Obj> out = new ArrayList<>();
        for (RotationDue d : list) {
            out.add(Json.obj().put("key", Views.key(d.key(), now)).put("riskClass", d.riskClass()).put("dueAt", d.dueAt())
                    .put("urgency", d.urgency()).put("reason", d.reason()).put("advice", d.advice())
                    .put("rotationInProgress", d.rotationInProgress()));
        }
        return out;
    }
}
