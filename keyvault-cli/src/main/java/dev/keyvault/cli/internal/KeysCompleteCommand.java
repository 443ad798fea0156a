package dev.keyvault.cli.internal;

import dev.keyvault.Syntax;
import dev.keyvault.rotation.CompletionResult;
import dev.keyvault.rotation.RotationStatus;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code keyvault keys complete OLD-ID}. */
@Command(name = "complete",
        header = "Close a rotation: revoke the old key once it is safe (exit 3 if not yet).",
        description = {
            "Close a rotation the safe way: revoke the old key if the successor is in use and the old key has been quiet for"
                    + " the quiet period (or its deadline passed); otherwise refuse, name the clients still on it, and exit 3.",
            "With --force --reason: revoke it anyway; the history names who was cut off."
        },
        footerHeading = "%nExample (the guide's 'watch lastUsedAt, then revoke' step; cron-friendly):%n",
        footer = {"  keyvault keys complete 3kP9xYb2QmZ7 || keyvault keys status 3kP9xYb2QmZ7",
                "%nJSON: {command, predecessorId, successorId, outcome, revoked, state, reasons, blockingClients: [client]};"
                        + " outcome is COMPLETED, FORCED, REFUSED (exit 3) or ALREADY_COMPLETED."})
final class KeysCompleteCommand extends BaseCommand {
    @Parameters(index = "0", paramLabel = "<old-key-id>", description = "The key that was rotated (the old one).")
    String id;

    @Option(names = "--force", description = "Revoke even though clients are still on the old key (they will get 401s). Needs --reason.")
    boolean force;

    @Option(names = "--reason", paramLabel = "<text>", description = "Why the rotation is forced, for the history.")
    String reason;

    @Override
    void validate(Context ctx) {
        keyId(id, "<old-key-id>");
        if (force && reason == null) {
            throw CliException.usage("--force needs --reason (kept in the key's history)");
        }
        if (!force && reason != null) {
            throw CliException.usage("--reason goes with --force; a safe completion needs none");
        }
        if (reason != null) {
            try {
                Syntax.text("--reason", reason, Syntax.MAX_REASON);
            } catch (IllegalArgumentException e) {
                throw CliException.usage(e.getMessage());
            }
        }
        actor(ctx, null);
    }

    @Override
    int run(Context ctx, Session session) {
        var flows = session.keys().rotation();
        String actor = actor(ctx, null);
        CompletionResult r = force ? flows.forceComplete(id, reason, actor) : flows.complete(id, actor);
        List<Json.Obj> blocking = new ArrayList<>();
        for (RotationStatus.ClientMigration c : r.blockingClients()) {
            blocking.add(Views.client(c, true));
        }
        int exit = r.outcome() == CompletionResult.Outcome.REFUSED ? ExitCode.CHECK_FAILED : ExitCode.OK;
        if (ctx.json()) {
            ctx.emit(result()
                    .put("predecessorId", r.predecessorId())
                    .put("successorId", r.successorId())
                    .put("outcome", r.outcome())
                    .put("revoked", r.isRevoked())
                    .put("state", r.status().state())
                    .put("reasons", r.reasons())
                    .put("blockingClients", blocking));
        } else {
            switch (r.outcome()) {
                case COMPLETED -> ctx.line(ctx.style().paint(Style.GREEN, "completed") + ": " + r.predecessorId()
                        + " is revoked; " + r.successorId() + " is the key now");
                case ALREADY_COMPLETED -> ctx.line("already completed: " + r.predecessorId() + " was revoked before");
                case FORCED -> ctx.line(ctx.style().paint(Style.YELLOW, "forced") + ": " + r.predecessorId() + " is revoked; "
                        + r.blockingClients().size() + " client(s) still on it will get 401s");
                case REFUSED -> ctx.line(ctx.style().paint(Style.RED, "refused") + ": " + r.predecessorId()
                        + " stays active");
            }
            for (String why : r.reasons()) {
                ctx.line("  " + why);
            }
            if (!r.blockingClients().isEmpty()) {
                Table t = Table.of("CLIENT", "ADDRESSES", "LAST ON OLD KEY", "ON SUCCESSOR SINCE");
                for (RotationStatus.ClientMigration c : r.blockingClients()) {
                    t.row(c.client(), Views.joined(c.clientIps()), Instants.human(c.lastSeenOnOldKey()),
                            c.firstSeenOnSuccessor().map(Instants::human).orElse("not yet"));
                }
                ctx.line("");
                t.print(ctx.out(), ctx.style());
            }
        }
        if (exit == ExitCode.CHECK_FAILED) {
            ctx.note("keyvault keys complete: refused, " + r.predecessorId() + " stays active: " + String.join("; ", r.reasons())
                    + "; run again later (or --force --reason …)");
        }
        return exit;
    }
}
