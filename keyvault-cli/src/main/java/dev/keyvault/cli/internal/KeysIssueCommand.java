package dev.keyvault.cli.internal;

import dev.keyvault.IssuedKey;
import dev.keyvault.KeySpec;
import dev.keyvault.rotation.RiskClass;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code keyvault keys issue}. */
@Command(name = "issue",
        header = "Issue a key; its token is printed once.",
        description = {"Issue a key. Its token is printed once, to stdout or to --output-file; keyvault keeps only a hash."},
        footerHeading = "%nExample (the guide's first step):%n",
        footer = {"  keyvault keys issue --owner acme --name 'KB Sync Script — Production' \\",
                "      --scope kb:read,kb:write --tier standard --environment production \\",
                "      --allow-ip 203.0.113.0/24 --metadata plan=pro --credits 10000 --refill monthly@1:10000 \\",
                "      --output-file ./kb-sync.token",
                "%nJSON: {command, key, token, tokenFile} (token null when written to tokenFile); key.ipAllowlist, key.metadata,"
                        + " key.creditAccount as given."})
final class KeysIssueCommand extends BaseCommand {
    @Option(names = "--owner", required = true, paramLabel = "<owner>", description = "The account or workspace the key belongs to.")
    String owner;

    @Option(names = "--name", required = true, paramLabel = "<name>", description = "A name unique among the owner's active keys.")
    String name;

    @Option(names = "--scope", paramLabel = "<scope>", split = ",", description = "What the key may do; repeat or separate with commas.")
    List<String> scopes = new ArrayList<>();

    @Option(names = "--tier", paramLabel = "<tier>", description = "The rate-limit tier. Default: default.")
    String tier;

    @Option(names = "--environment", paramLabel = "<env>", description = "Such as production. Default: default (no environment).")
    String environment;

    @Option(names = "--tag", paramLabel = "<tag>", split = ",", description = "Free labels; repeat or separate with commas.")
    List<String> tags = new ArrayList<>();

    @Option(names = "--expires-in", paramLabel = "<duration>", converter = Durations.class,
            description = "The key stops verifying after this long (90d, 24h, …). Default: never.")
    Duration expiresIn;

    @Option(names = "--expires-at", paramLabel = "<time>", converter = Instants.class,
            description = "The key stops verifying at this time (2026-09-01T00:00:00Z).")
    Instant expiresAt;

    @Option(names = "--risk-class", paramLabel = "<class>",
            description = "read_only, write, broad or full_access; sets the rotation cadence. Default: derived from the scopes.")
    String riskClass;

    @Option(names = "--allow-ip", paramLabel = "<cidr>", split = ",",
            description = "Only from these addresses or CIDR blocks (203.0.113.0/24, 2001:db8::/32); repeat or separate with"
                    + " commas. Default: any address.")
    List<String> allowIps = new ArrayList<>();

    @Option(names = "--metadata", paramLabel = "<name=value>",
            description = "An entry of the key's metadata, returned with the verified key; repeat for more (at most 16).")
    List<String> metadata = new ArrayList<>();

    @Option(names = "--credits", paramLabel = "<n>",
            description = "Usage credits to start with; each request spends its cost, the key is refused at zero. Default: none.")
    Long credits;

    @Option(names = "--refill", paramLabel = "<rule>",
            description = "With --credits: daily@HH:MM:AMOUNT (UTC) or monthly@DAY:AMOUNT; a refill sets the balance to AMOUNT.")
    String refill;

    @Option(names = "--output-file", paramLabel = "<file>",
            description = "Write the token to this new owner-only file instead of stdout (never overwrites).")
    Path outputFile;

    private KeySpec spec;

    @Override
    void validate(Context ctx) {
        if (expiresIn != null && expiresAt != null) {
            throw CliException.usage("give --expires-in or --expires-at, not both");
        }
        try {
            KeySpec.Builder b = KeySpec.builder(owner, name).scopes(scopes).actor(actor(ctx, null));
            if (tier != null) {
                b.tier(tier);
            }
            if (environment != null) {
                b.environment(environment);
            }
            if (!tags.isEmpty()) {
                b.tags(tags.toArray(String[]::new));
            }
            Instant expiry = expiresAt != null ? expiresAt : expiresIn != null ? ctx.clock().instant().plus(expiresIn) : null;
            if (expiry != null) {
                if (!expiry.isAfter(ctx.clock().instant())) {
                    throw CliException.usage("--expires-at " + Instants.human(expiry) + " is not in the future");
                }
                b.expiresAt(expiry);
            }
            if (riskClass != null) {
                b.riskClass(riskClass(riskClass));
            }
            if (!allowIps.isEmpty()) {
                b.ipAllowlist(PolicyOptions.allowlist(allowIps));
            }
            b.metadata(PolicyOptions.metadata(metadata));
            if (refill != null && credits == null) {
                throw CliException.usage("--refill needs --credits");
            }
            if (credits != null) {
                b.credits(PolicyOptions.credits(credits, refill));
            }
            spec = b.build();
        } catch (IllegalArgumentException e) {
            throw CliException.usage(e.getMessage());
        }
    }

    static RiskClass riskClass(String value) {
        try {
            RiskClass rc = RiskClass.valueOf(value.strip().toUpperCase(Locale.ROOT).replace('-', '_'));
            if (rc == RiskClass.COMPROMISED) {
                throw new IllegalArgumentException();
            }
            return rc;
        } catch (IllegalArgumentException e) {
            throw CliException.usage("--risk-class must be read_only, write, broad or full_access");
        }
    }

    @Override
    int run(Context ctx, Session session) {
        var keys = session.keysForHashing();
        TokenOutput output = TokenOutput.prepare(ctx, outputFile);
        IssuedKey issued;
        try {
            issued = keys.issue(spec);
        } catch (RuntimeException e) {
            output.abandon();
            throw e;
        }
        Json.Obj result = result().put("key", Views.key(issued.key(), ctx.clock().instant()));
        output.deliver(issued, result);
        if (ctx.json()) {
            ctx.emit(result);
        } else {
            var k = issued.key();
            ctx.line("issued " + Views.label(k) + " for " + k.owner() + " (scopes " + Views.joined(k.scopes()) + ", tier "
                    + k.tier() + ", environment " + k.environment() + (k.expiresAt().isPresent() ? ", expires "
                    + Instants.human(k.expiresAt()) : "") + (k.ipAllowlist().isEmpty() ? "" : ", from " + Views.joined(k.ipAllowlist().ranges()))
                    + (spec.credits().isPresent() ? ", " + spec.credits().get().balance() + " credits" : "") + ")");
            output.print(issued);
        }
        return ExitCode.OK;
    }
}
