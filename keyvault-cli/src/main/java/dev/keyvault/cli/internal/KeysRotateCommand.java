package dev.keyvault.cli.internal;

import dev.keyvault.ApiKey;
import dev.keyvault.IssuedKey;
import dev.keyvault.KeyManager;
import dev.keyvault.RotateOptions;
import dev.keyvault.Syntax;
import dev.keyvault.rotation.EmergencyRotation;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code keyvault keys rotate ID [--emergency]}. */
@Command(name = "rotate",
        header = "Issue a key's successor; --emergency for a leaked key.",
        description = {
            "Issue the successor of a key: same owner, scopes and tier, named '… v2', linked both ways. Both keys verify"
                    + " until 'keys complete' (or until --overlap ends). The new token is printed once.",
            "",
            "With --emergency (a leaked key): revoke it first and mark it compromised, then issue the successor, then audit"
                    + " the leaked key's last 7 days of usage."
        },
        footerHeading = "%nExamples (the guide's 'generate the replacement' and 'emergency' steps):%n",
        footer = {"  keyvault keys rotate 3kP9xYb2QmZ7 --output-file ./kb-sync-v2.token",
                "  keyvault keys rotate 3kP9xYb2QmZ7 --overlap 7d    # the old key expires in 7 days",
                "  keyvault keys rotate 7hQ2LmN4pR8s --emergency --reason 'posted in a public gist'",
                "%nJSON: {command, emergency, predecessor, successor, newSuccessor, revocationOutcome, token, tokenFile, audit,"
                        + " auditFailure}; predecessor and successor are keys, audit is the 'keys audit' object or null."})
final class KeysRotateCommand extends BaseCommand {
    @Parameters(index = "0", paramLabel = "<key-id>", description = "The key to replace.")
    String id;

    @Option(names = "--emergency", description = "The key leaked: revoke first, replace, audit. Needs --reason.")
    boolean emergency;

    @Option(names = "--reason", paramLabel = "<text>", description = "Why, for the history. Required with --emergency.")
    String reason;

    @Option(names = "--name", paramLabel = "<name>", description = "The successor's name. Default: the old name with v2, v3, ….")
    String successorName;

    @Option(names = "--overlap", paramLabel = "<duration>", converter = Durations.class,
            description = "The old key expires this long from now (never later than its own expiry). Default: it verifies"
                    + " until the rotation is completed.")
    Duration overlap;

    @Option(names = "--overlap-until", paramLabel = "<time>", converter = Instants.class,
            description = "The old key expires at this time.")
    Instant overlapUntil;

    @Option(names = "--expires-in", paramLabel = "<duration>", converter = Durations.class,
            description = "The successor stops verifying after this long. Default: never.")
    Duration expiresIn;

    @Option(names = "--output-file", paramLabel = "<file>",
            description = "Write the new token to this new owner-only file instead of stdout (never overwrites).")
    Path outputFile;

    private RotateOptions options;

    @Override
    void validate(Context ctx) {
        keyId(id, "<key-id>");
        String actor = actor(ctx, null);
        if (emergency) {
            if (reason == null) {
                throw CliException.usage("--emergency needs --reason (kept in the key's history), such as --reason 'token"
                        + " posted in a public gist'");
            }
            if (successorName != null || overlap != null || overlapUntil != null || expiresIn != null) {
                throw CliException.usage("--emergency revokes at once: it takes no --name, --overlap, --overlap-until or --expires-in");
            }
            checkText("--reason", reason, Syntax.MAX_REASON);
            return;
        }
        if (overlap != null && overlapUntil != null) {
            throw CliException.usage("give --overlap or --overlap-until, not both");
        }
        Instant now = ctx.clock().instant();
        try {
            RotateOptions o = RotateOptions.defaults().withActor(actor);
            if (reason != null) {
                o = o.withReason(reason);
            }
            if (successorName != null) {
                o = o.withSuccessorName(successorName);
            }
            Instant until = overlapUntil != null ? overlapUntil : overlap != null ? now.plus(overlap) : null;
            if (until != null) {
                if (!until.isAfter(now)) {
                    throw CliException.usage("--overlap-until " + Instants.human(until) + " is not in the future");
                }
                o = o.withOverlapUntil(until);
            }
            if (expiresIn != null) {
                o = o.withSuccessorExpiresAt(now.plus(expiresIn));
            }
            options = o;
        } catch (IllegalArgumentException e) {
            throw CliException.usage(e.getMessage());
        }
    }

    private static void checkText(String option, String value, int max) {
        try {
            Syntax.text(option, value, max);
        } catch (IllegalArgumentException e) {
            throw CliException.usage(e.getMessage());
        }
    }

    @Override
    int run(Context ctx, Session session) {
        KeyManager keys = session.keysForHashing();
        existing(keys, id);
        TokenOutput output = TokenOutput.prepare(ctx, outputFile);
        return emergency ? emergency(ctx, keys, output) : rotate(ctx, keys, output);
    }

    private int rotate(Context ctx, KeyManager keys, TokenOutput output) {
        IssuedKey successor;
        try {
            successor = keys.rotate(id, options);
        } catch (RuntimeException e) {
            output.abandon();
            throw e;
        }
        Instant now = ctx.clock().instant();
        ApiKey old = existing(keys, id);
        Json.Obj result = result().put("emergency", false)
                .put("predecessor", Views.key(old, now))
                .put("successor", Views.key(successor.key(), now))
                .put("newSuccessor", true)
                .put("revocationOutcome", null);
        output.deliver(successor, result);
        result.put("audit", null).put("auditFailure", null);
        if (ctx.json()) {
            ctx.emit(result);
            return ExitCode.OK;
        }
        ctx.line("rotated " + Views.label(old) + " to " + Views.label(successor.key()) + "; both verify "
                + old.expiresAt().map(e -> "until the old key expires at " + Instants.human(e))
                        .orElse("until you complete the rotation"));
        output.print(successor);
        ctx.note("next: move the consumers to the new key, watch 'keyvault keys status " + id + "', then 'keyvault keys complete "
                + id + "'");
        return ExitCode.OK;
    }

    private int emergency(Context ctx, KeyManager keys, TokenOutput output) {
        EmergencyRotation er;
        try (Progress p = Progress.start(ctx, "revoking, replacing and auditing " + id, 0)) {
            er = keys.rotation().emergencyRotate(id, reason, actor(ctx, null));
        } catch (RuntimeException e) {
            output.abandon();
            throw e;
        }
        Instant now = ctx.clock().instant();
        ApiKey leaked = existing(keys, id);
        Json.Obj result = result().put("emergency", true)
                .put("predecessor", Views.key(leaked, now))
                .put("successor", Views.key(er.replacement(), now))
                .put("newSuccessor", er.successor().isPresent())
                .put("revocationOutcome", er.revocation().outcome());
        if (er.successor().isPresent()) {
            output.deliver(er.successor().get(), result);
        } else {
            output.abandon();
            result.put("token", null).put("tokenFile", null);
        }
        result.put("audit", er.audit().map(a -> Views.audit(Json.obj(), a))).put("auditFailure", er.auditFailure());
        if (ctx.json()) {
            ctx.emit(result);
            return ExitCode.OK;
        }
        ctx.line("revoked " + Views.label(leaked) + " and marked it compromised ("
                + er.revocation().outcome().name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ') + ")");
        if (er.successor().isPresent()) {
            ctx.line("replacement " + Views.label(er.replacement()) + ", same owner, scopes and tier");
            output.print(er.successor().get());
        } else {
            ctx.line("replacement " + Views.label(er.replacement()) + ": the successor it already had (its secret did not leak);"
                    + " no new key was issued");
        }
        ctx.line("");
        if (er.audit().isPresent()) {
            Views.printAudit(ctx, er.audit().get());
        } else {
            ctx.warn("the usage audit failed (" + er.auditFailure().orElse("?") + "); run 'keyvault keys audit " + id
                    + " --since 7d' again");
        }
        return ExitCode.OK;
    }
}
