package dev.keyvault.cli.internal;

import dev.keyvault.RevocationResult;
import dev.keyvault.Syntax;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code keyvault keys revoke ID --reason …}. */
@Command(name = "revoke",
        header = "Revoke a key for good.",
        description = "Revoke a key for good (its record, history and usage stay). Unconditional: to finish a rotation"
                + " use 'keys complete', which refuses while clients are still on the old key.",
        footerHeading = "%nExample:%n",
        footer = {"  keyvault keys revoke 3kP9xYb2QmZ7 --reason 'contractor offboarded'",
                "%nJSON: {command, keyId, outcome, key}; outcome is REVOKED or ALREADY_REVOKED."})
final class KeysRevokeCommand extends BaseCommand {
    @Parameters(index = "0", paramLabel = "<key-id>", description = "The key to revoke.")
    String id;

    @Option(names = "--reason", required = true, paramLabel = "<text>", description = "Why, kept with the key.")
    String reason;

    @Override
    void validate(Context ctx) {
        keyId(id, "<key-id>");
        try {
            Syntax.text("--reason", reason, Syntax.MAX_REASON);
        } catch (IllegalArgumentException e) {
            throw CliException.usage(e.getMessage());
        }
        actor(ctx, null);
    }

    @Override
    int run(Context ctx, Session session) {
        var keys = session.keys();
        existing(keys, id);
        RevocationResult r = keys.revoke(id, reason, actor(ctx, null));
        if (r.outcome() == RevocationResult.Outcome.NOT_FOUND) {
            throw unknownKey(id);
        }
        if (ctx.json()) {
            ctx.emit(result().put("keyId", id).put("outcome", r.outcome()).put("key", r.key().map(k -> Views.key(k, ctx.clock().instant()))));
        } else {
            ctx.line(r.outcome() == RevocationResult.Outcome.REVOKED
                    ? ctx.style().paint(Style.RED, "revoked") + " " + Views.label(r.key().orElseThrow())
                    : "already revoked: " + Views.label(r.key().orElseThrow()));
        }
        return ExitCode.OK;
    }
}
