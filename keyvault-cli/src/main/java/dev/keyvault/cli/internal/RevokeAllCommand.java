package dev.keyvault.cli.internal;

import dev.keyvault.ApiKey;
import dev.keyvault.KeyManager;
import dev.keyvault.KeyStoreException;
import dev.keyvault.RevocationResult;
import dev.keyvault.Syntax;
import dev.keyvault.rotation.RevokeAllResult;
import dev.keyvault.rotation.RevokeSelector;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code keyvault revoke-all}. */
@Command(name = "revoke-all",
        header = "Revoke every active key of an owner or tag (--dry-run lists them).",
        description = {
            "Revoke every active key of an owner or a tag (optionally narrowed by environment), each on its own so one"
                    + " failure does not stop the rest; rerunning is safe. --dry-run lists them and changes nothing.",
            "Without --dry-run it asks for confirmation on a terminal; elsewhere (cron, scripts) it needs --yes."
        },
        footerHeading = "%nExample (the guide's 'offboard an owner'):%n",
        footer = {"  keyvault revoke-all --owner acme --reason 'account closed' --dry-run",
                "  keyvault revoke-all --owner acme --reason 'account closed' --yes",
                "%nJSON: {command, dryRun, selector: {owner, tag, environment}, reason, selected, revoked, failed, entries:"
                        + " [{key, outcome, failure}]}; outcome is WOULD_REVOKE (dry run), REVOKED, ALREADY_REVOKED or FAILED."
                        + " Exit 1 if any failed."})
final class RevokeAllCommand extends BaseCommand {
    @Option(names = "--owner", paramLabel = "<owner>", description = "Every active key of this owner.")
    String owner;

    @Option(names = "--tag", paramLabel = "<tag>", description = "Every active key carrying this tag.")
    String tag;

    @Option(names = "--environment", paramLabel = "<env>", description = "Only keys of this environment.")
    String environment;

    @Option(names = "--reason", required = true, paramLabel = "<text>", description = "Why, kept with each key.")
    String reason;

    @Option(names = "--dry-run", description = "List what would be revoked; change nothing.")
    boolean dryRun;

    @Option(names = "--yes", description = "Do not ask for confirmation.")
    boolean yes;

    private RevokeSelector selector;

    @Override
    void validate(Context ctx) {
        if (owner == null && tag == null) {
            throw CliException.usage("select the keys with --owner or --tag (or both); revoke-all never selects every key");
        }
        try {
            selector = new RevokeSelector(Optional.ofNullable(owner), Optional.ofNullable(tag), Optional.ofNullable(environment));
            Syntax.text("--reason", reason, Syntax.MAX_REASON);
        } catch (IllegalArgumentException e) {
            throw CliException.usage(e.getMessage());
        }
        actor(ctx, null);
        if (!dryRun && !yes && !(ctx.stdinTerminal() && ctx.stderrTerminal())) {
            throw CliException.usage("revoke-all is irreversible: add --yes to revoke without a prompt, or --dry-run to list"
                    + " the keys first");
        }
    }

    @Override
    int run(Context ctx, Session session) {
        KeyManager keys = session.keys();
        String actor = actor(ctx, null);
        // the library's dry run selects (active keys of the selector, oldest first); the revocations are
        // then made one by one here rather than by revokeAll, so a long run can show its progress
        List<RevokeAllResult.Entry> selected = keys.rotation().revokeAll(selector, reason, actor, true).entries();
        List<RevokeAllResult.Entry> entries = new ArrayList<>();
        if (dryRun) {
            entries.addAll(selected);
        } else if (!selected.isEmpty()) {
            if (!yes && !confirm(ctx, selected.size())) {
                ctx.note("nothing revoked");
                return ExitCode.USAGE;
            }
            try (Progress p = Progress.start(ctx, "revoking keys", selected.size())) {
                for (RevokeAllResult.Entry e : selected) {
                    entries.add(revoke(keys, e.key(), actor));
                    p.step();
                }
            }
        }
        long revoked = entries.stream().filter(e -> e.outcome() == RevokeAllResult.Outcome.REVOKED).count();
        long failed = entries.stream().filter(e -> e.outcome() == RevokeAllResult.Outcome.FAILED).count();
        Instant now = ctx.clock().instant();
        if (ctx.json()) {
            List<Json.Obj> list = new ArrayList<>();
            for (RevokeAllResult.Entry e : entries) {
                list.add(Json.obj().put("key", Views.key(e.key(), now)).put("outcome", e.outcome()).put("failure", e.failure()));
            }
            ctx.emit(result().put("dryRun", dryRun)
                    .put("selector", Json.obj().put("owner", owner).put("tag", tag).put("environment", environment))
                    .put("reason", reason).put("selected", selected.size()).put("revoked", revoked).put("failed", failed)
                    .put("entries", list));
        } else if (selected.isEmpty()) {
            ctx.line("no active key matches");
        } else {
            ctx.line(dryRun ? "dry run: " + selected.size() + " active key(s) would be revoked; nothing changed"
                    : revoked + " of " + selected.size() + " key(s) revoked" + (failed > 0 ? ", " + failed + " failed: run again" : ""));
            ctx.line("");
            Table t = Table.of("ID", "NAME", "OWNER", "ENVIRONMENT", "OUTCOME", "FAILURE");
            for (RevokeAllResult.Entry e : entries) {
                String colour = switch (e.outcome()) {
                    case REVOKED -> Style.RED;
                    case FAILED -> Style.YELLOW;
                    default -> "";
                };
                t.row(e.key().id(), e.key().name(), e.key().owner(), e.key().environment(), Table.cell(e.outcome().name(), colour),
                        e.failure().orElse(""));
            }
            t.print(ctx.out(), ctx.style());
        }
        return failed > 0 ? ExitCode.FAILURE : ExitCode.OK;
    }

    private RevokeAllResult.Entry revoke(KeyManager keys, ApiKey key, String actor) {
        try {
            RevocationResult r = keys.revoke(key.id(), reason, actor);
            return switch (r.outcome()) {
                case REVOKED -> new RevokeAllResult.Entry(key, RevokeAllResult.Outcome.REVOKED, Optional.empty());
                case ALREADY_REVOKED -> new RevokeAllResult.Entry(key, RevokeAllResult.Outcome.ALREADY_REVOKED, Optional.empty());
                case NOT_FOUND -> new RevokeAllResult.Entry(key, RevokeAllResult.Outcome.FAILED, Optional.of("the key is no longer in the store"));
            };
        } catch (KeyStoreException e) {
            return new RevokeAllResult.Entry(key, RevokeAllResult.Outcome.FAILED, Optional.of(e.getMessage()));
        }
    }

    private static boolean confirm(Context ctx, int count) {
        ctx.err().print("revoke " + count + " active key(s) for good? type 'yes' to go on: ");
        ctx.err().flush();
        try {
            String answer = new BufferedReader(new InputStreamReader(ctx.in(), StandardCharsets.UTF_8)).readLine();
            return answer != null && answer.strip().equalsIgnoreCase("yes");
        } catch (IOException e) {
            return false;
        }
    }
}
