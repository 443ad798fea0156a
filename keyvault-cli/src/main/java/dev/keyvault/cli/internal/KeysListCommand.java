package dev.keyvault.cli.internal;

import dev.keyvault.ApiKey;
import dev.keyvault.KeyQuery;
import dev.keyvault.KeyStatus;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code keyvault keys list}. */
@Command(name = "list",
        header = "List keys.",
        description = "List keys, oldest first, revoked ones included unless --status says otherwise.",
        footerHeading = "%nExample:%n",
        footer = {"  keyvault keys list --owner acme --environment production --status active --metadata plan=pro",
                "%nJSON: {command, keys: [key]}; a key is {id, prefix, hint, owner, name, scopes, tier, environment, tags,"
                        + " riskClass, status, expired, compromised, createdAt, expiresAt, lastUsedAt, predecessorId, successorId,"
                        + " revocation, ipAllowlist, metadata, creditAccount}."})
final class KeysListCommand extends BaseCommand {
    @Mixin
    KeySelection selection;

    @Option(names = "--status", paramLabel = "<status>", description = "active or revoked.")
    String status;

    private KeyQuery query;

    @Override
    void validate(Context ctx) {
        query = selection.query();
        if (status != null) {
            switch (status.toLowerCase(Locale.ROOT)) {
                case "active" -> query = query.withStatus(KeyStatus.ACTIVE);
                case "revoked" -> query = query.withStatus(KeyStatus.REVOKED);
                default -> throw CliException.usage("--status must be active or revoked");
            }
        }
    }

    @Override
    int run(Context ctx, Session session) {
        List<ApiKey> keys = session.keys().list(query);
        Instant now = ctx.clock().instant();
        if (ctx.json()) {
            ctx.emit(result().put("keys", Views.keys(keys, now)));
            return ExitCode.OK;
        }
        if (keys.isEmpty()) {
            ctx.line("no keys match");
            return ExitCode.OK;
        }
        Table t = Table.of("ID", "NAME", "OWNER", "ENVIRONMENT", "SCOPES", "TIER", "STATE", "CREATED", "LAST USED", "EXPIRES");
        for (ApiKey k : keys) {
            t.row(k.id(), k.name(), k.owner(), k.environment(), Views.joined(k.scopes()), k.tier(), Views.state(k, now),
                    Instants.human(k.createdAt()), Instants.human(k.lastUsedAt()), Instants.human(k.expiresAt()));
        }
        t.print(ctx.out(), ctx.style());
        return ExitCode.OK;
    }
}
