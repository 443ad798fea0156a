package dev.keyvault.cli.internal;

import dev.keyvault.KeyQuery;
import dev.keyvault.rotation.ComplianceReport;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code keyvault compliance}. */
@Command(name = "compliance",
        header = "Prove every selected key was rotated within --max-age (exit 3 if not).",
        description = "Prove that every selected key was created or rotated within --max-age; exit 3 when one was not."
                + " Full-access and compromised keys are flagged too, and with --environment the keys issued without any"
                + " environment are listed so they cannot fall outside the report.",
        footerHeading = "%nExample (the guide's 'every production key rotated within 90 days'):%n",
        footer = {"  keyvault compliance --max-age 90d --environment production --json \\",
                "      > compliance-$(date +%%F).json",
                "%nJSON: {command, asOf, maxAge, filter: {owner, environment, tag}, compliant, keysChecked, findings:"
                        + " [{key, age, riskClass, issues, rotationInProgress, recommendations}], withoutEnvironment: [key]};"
                        + " issues are TOO_OLD (fails the report), FULL_ACCESS, COMPROMISED."})
final class ComplianceCommand extends BaseCommand {
    @Option(names = "--max-age", paramLabel = "<duration>", converter = Durations.class, defaultValue = "90d",
            description = "The largest age a compliant key may have. Default: ${DEFAULT-VALUE}.")
    Duration maxAge;

    @Mixin
    KeySelection selection;

    private KeyQuery filter;

    @Override
    void validate(Context ctx) {
        filter = selection.query();
    }

    @Override
    int run(Context ctx, Session session) {
        ComplianceReport report;
        try (Progress p = Progress.start(ctx, "checking keys", 0)) {
            report = session.keys().rotation().complianceReport(maxAge, filter);
        }
        Instant now = ctx.clock().instant();
        if (ctx.json()) {
            List<Json.Obj> findings = new ArrayList<>();
            for (ComplianceReport.Finding f : report.findings()) {
                findings.add(Json.obj().put("key", Views.key(f.key(), now)).put("age", f.age()).put("riskClass", f.riskClass())
                        .put("issues", List.copyOf(f.issues())).put("rotationInProgress", f.rotationInProgress())
                        .put("recommendations", f.recommendations()));
            }
            ctx.emit(result().put("asOf", report.asOf()).put("maxAge", report.maxAge()).put("filter", selection.json())
                    .put("compliant", report.compliant()).put("keysChecked", report.keysChecked()).put("findings", findings)
                    .put("withoutEnvironment", Views.keys(report.withoutEnvironment(), now)));
        } else {
            Style style = ctx.style();
            ctx.line((report.compliant() ? style.paint(Style.GREEN, "compliant") : style.paint(Style.RED, "not compliant"))
                    + ": " + report.keysChecked() + " active keys checked, " + report.failing().size() + " older than "
                    + Durations.human(maxAge) + ", " + report.findings().size() + " finding(s)");
            if (!report.findings().isEmpty()) {
                Table t = Table.of("ID", "NAME", "OWNER", "ENVIRONMENT", "AGE", "RISK CLASS", "ISSUES", "ROTATING TO", "WHAT TO DO");
                for (ComplianceReport.Finding f : report.findings()) {
                    boolean fails = f.issues().contains(ComplianceReport.Issue.TOO_OLD);
                    t.row(f.key().id(), f.key().name(), f.owner(), f.key().environment(), Durations.human(f.age()), f.riskClass(),
                            Table.cell(Views.joined(f.issues().stream().map(Enum::name).toList()), fails ? Style.RED : Style.YELLOW),
                            f.rotationInProgress().orElse("-"), String.join("; ", f.recommendations()));
                }
                ctx.line("");
                t.print(ctx.out(), style);
            }
            if (!report.withoutEnvironment().isEmpty()) {
                ctx.line("");
                ctx.line(report.withoutEnvironment().size() + " active key(s) of the same selection have no environment, so no"
                        + " environment's report judges them: issue replacements with --environment and revoke them");
                Table t = Table.of("ID", "NAME", "OWNER", "CREATED");
                for (var k : report.withoutEnvironment()) {
                    t.row(k.id(), k.name(), k.owner(), Instants.human(k.createdAt()));
                }
                t.print(ctx.out(), style);
            }
        }
        if (!report.compliant()) {
            ctx.note("keyvault compliance: not compliant, " + report.failing().size() + " key(s) older than "
                    + Durations.human(maxAge) + "; rotate them ('keyvault due' lists them by urgency)");
            return ExitCode.CHECK_FAILED;
        }
        return ExitCode.OK;
    }
}
