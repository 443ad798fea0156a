package dev.keyvault.cli.internal;

import dev.keyvault.ApiKey;
import dev.keyvault.CreditBalance;
import java.time.Instant;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code keyvault keys show ID}. */
@Command(name = "show",
        header = "Show one key.",
        description = "Show one key: owner, scopes, tier, environment, state, times, rotation links, revocation.",
        footerHeading = "%nExample:%n",
        footer = {"  keyvault keys show 3kP9xYb2QmZ7", "%nJSON: {command, key, credits} (credits: {account, inStore, leasedHere,"
                + " refill, nextRefillAt}, or null for a key without credits)."})
final class KeysShowCommand extends BaseCommand {
    @Parameters(index = "0", paramLabel = "<key-id>", description = "The key id (not the token).")
    String id;

    @Override
    void validate(Context ctx) {
        keyId(id, "<key-id>");
    }

    @Override
    int run(Context ctx, Session session) {
        ApiKey k = existing(session.keys(), id);
        Instant now = ctx.clock().instant();
        Optional<CreditBalance> credits = session.keys().credits(id);
        if (ctx.json()) {
            ctx.emit(result().put("key", Views.key(k, now)).put("credits", credits.map(Views::credits)));
            return ExitCode.OK;
        }
        Table t = Table.of("FIELD", "VALUE");
        t.row("id", k.id());
        t.row("name", k.name());
        t.row("owner", k.owner());
        t.row("state", Views.state(k, now));
        t.row("token hint", k.hint());
        t.row("scopes", Views.joined(k.scopes()));
        t.row("tier", k.tier());
        t.row("environment", k.environment());
        t.row("tags", Views.joined(k.tags()));
        t.row("risk class", k.riskClass().map(Enum::name).orElse("from the scopes"));
        t.row("created", Instants.human(k.createdAt()));
        t.row("expires", Instants.human(k.expiresAt()));
        t.row("last used", Instants.human(k.lastUsedAt()));
        t.row("ip allowlist", k.ipAllowlist().isEmpty() ? "any address" : Views.joined(k.ipAllowlist().ranges()));
        t.row("metadata", k.metadata().isEmpty() ? "-" : Views.joined(k.metadata().entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue()).toList()));
        t.row("credits", credits.map(c -> c.inStore() + " in store (balance " + c.account() + "), " + c.refill()
                + c.nextRefillAt().map(r -> ", next refill " + Instants.human(r)).orElse("")).orElse("-"));
        t.row("predecessor", k.predecessorId().orElse("-"));
        t.row("successor", k.successorId().orElse("-"));
        k.revocation().ifPresent(r -> {
            t.row("revoked", Instants.human(r.at()) + " by " + r.actor());
            t.row("reason", r.reason());
        });
        t.print(ctx.out(), ctx.style());
        return ExitCode.OK;
    }
}
