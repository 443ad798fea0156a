package dev.keyvault.cli.internal;

import dev.keyvault.ApiKey;
import dev.keyvault.DuplicateKeyException;
import dev.keyvault.KeyManager;
import dev.keyvault.KeyStateException;
import dev.keyvault.KeyUpdate;
import dev.keyvault.rotation.RiskClass;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code keyvault keys update ID …}: a change in place. */
@Command(name = "update",
        header = "Change a key in place.",
        description = {"Change a key in place: rename it, narrow or widen its scopes, change its tier, risk class,"
                + " expiry, IP allowlist, credits or metadata. Only what is given changes. Atomic; recorded in the key's"
                + " history with the actor and each field before and after (widening scopes is its own SCOPES_WIDENED"
                + " entry); the rotation due date is recomputed. Other nodes apply it through the change feed, as they do"
                + " revocations. A revoked key cannot be changed; an expiry can be extended at most to the key's rotation"
                + " due date (rotate the key instead)."},
        footerHeading = "%nExamples:%n",
        footer = {"  keyvault keys update 3kP9xYb2QmZ7 --scope kb:read --tier free",
                "  keyvault keys update 3kP9xYb2QmZ7 --allow-ip 203.0.113.0/24,2001:db8::/32 --metadata plan=pro",
                "  keyvault keys update 3kP9xYb2QmZ7 --credits 5000 --refill daily@00:00:5000",
                "%nJSON: {command, keyId, before: key, after: key, scopesWidened, changed} (changed: true unless the"
                        + " update changed nothing)."})
final class KeysUpdateCommand extends BaseCommand {
    @Parameters(index = "0", paramLabel = "<key-id>", description = "The key to change.")
    String id;

    @Option(names = "--name", paramLabel = "<name>", description = "A new name, free among the owner's active keys.")
    String name;

    @Option(names = "--scope", paramLabel = "<scope>", split = ",", description = "The new scopes (all of them); repeat or separate with commas.")
    List<String> scopes;

    @Option(names = "--tier", paramLabel = "<tier>", description = "The new rate-limit tier.")
    String tier;

    @Option(names = "--risk-class", paramLabel = "<class>",
            description = "read_only, write, broad, full_access, or derived (from the scopes again).")
    String riskClass;

    @Option(names = "--expires-in", paramLabel = "<duration>", converter = Durations.class, description = "Expire this long from now.")
    Duration expiresIn;

    @Option(names = "--expires-at", paramLabel = "<time>", converter = Instants.class, description = "Expire at this time.")
    Instant expiresAt;

    @Option(names = "--no-expiry", description = "Never expire (refused for a key that has an expiry: that extends it past its due date).")
    boolean noExpiry;

    @Option(names = "--allow-ip", paramLabel = "<cidr>", split = ",", description = "The new IP allowlist (all of it).")
    List<String> allowIps;

    @Option(names = "--any-ip", description = "Remove the IP allowlist.")
    boolean anyIp;

    @Option(names = "--metadata", paramLabel = "<name=value>", description = "The new metadata (all of it); repeat for more entries.")
    List<String> metadata;

    @Option(names = "--no-metadata", description = "Remove all metadata.")
    boolean noMetadata;

    @Option(names = "--credits", paramLabel = "<n>", description = "Set the balance of the key's rotation chain to this.")
    Long credits;

    @Option(names = "--refill", paramLabel = "<rule>", description = "With --credits: none, daily@HH:MM:AMOUNT or monthly@DAY:AMOUNT.")
    String refill;

    @Option(names = "--no-credits", description = "Remove the key's credits (it is no longer refused for credits).")
    boolean noCredits;

    private KeyUpdate update;

    @Override
    void validate(Context ctx) {
        keyId(id, "<key-id>");
        exclusive("--expires-in", expiresIn != null, "--expires-at", expiresAt != null, "--no-expiry", noExpiry);
        exclusive("--allow-ip", allowIps != null, "--any-ip", anyIp, null, false);
        exclusive("--metadata", metadata != null, "--no-metadata", noMetadata, null, false);
        exclusive("--credits", credits != null, "--no-credits", noCredits, null, false);
        if (refill != null && credits == null) {
            throw CliException.usage("--refill needs --credits");
        }
        try {
            KeyUpdate.Builder b = KeyUpdate.builder().actor(actor(ctx, null));
            if (name != null) {
                b.name(name);
            }
            if (scopes != null) {
                b.scopes(scopes);
            }
            if (tier != null) {
                b.tier(tier);
            }
            if (riskClass != null) {
                if (riskClass.strip().toLowerCase(Locale.ROOT).equals("derived")) {
                    b.derivedRiskClass();
                } else {
                    b.riskClass(KeysIssueCommand.riskClass(riskClass));
                }
            }
            Instant expiry = expiresAt != null ? expiresAt : expiresIn != null ? ctx.clock().instant().plus(expiresIn) : null;
            if (expiry != null) {
                b.expiresAt(expiry);
            } else if (noExpiry) {
                b.noExpiry();
            }
            if (allowIps != null) {
                b.ipAllowlist(PolicyOptions.allowlist(allowIps));
            } else if (anyIp) {
                b.ipAllowlist(dev.keyvault.IpAllowlist.none());
            }
            if (metadata != null) {
                b.metadata(PolicyOptions.metadata(metadata));
            } else if (noMetadata) {
                b.metadata(java.util.Map.of());
            }
            if (credits != null) {
                b.credits(PolicyOptions.credits(credits, refill));
            } else if (noCredits) {
                b.removeCredits();
            }
            update = b.build();
        } catch (IllegalStateException nothing) {
            throw CliException.usage("give at least one change (--name, --scope, --tier, --risk-class, --expires-in/--expires-at/"
                    + "--no-expiry, --allow-ip/--any-ip, --metadata/--no-metadata, --credits/--no-credits)");
        } catch (IllegalArgumentException e) {
            throw CliException.usage(e.getMessage());
        }
    }

    private static void exclusive(String a, boolean hasA, String b, boolean hasB, String c, boolean hasC) {
        List<String> given = new ArrayList<>();
        if (hasA) {
            given.add(a);
        }
        if (hasB) {
            given.add(b);
        }
        if (hasC) {
            given.add(c);
        }
        if (given.size() > 1) {
            throw CliException.usage("give only one of " + String.join(", ", given));
        }
    }

    @Override
    int run(Context ctx, Session session) {
        KeyManager keys = session.keys();
        ApiKey before = existing(keys, id);
        ApiKey after;
        try {
            after = keys.update(id, update);
        } catch (KeyStateException | DuplicateKeyException | IllegalArgumentException e) {
            throw CliException.usage(e.getMessage());
        }
        boolean changed = !after.equals(before);
        boolean widened = changed && after.scopes().stream().anyMatch(s -> !before.grants(s));
        Instant now = ctx.clock().instant();
        if (ctx.json()) {
            ctx.emit(result().put("keyId", id).put("before", Views.key(before, now)).put("after", Views.key(after, now))
                    .put("scopesWidened", widened).put("changed", changed));
        } else if (!changed) {
            ctx.line("nothing to change: " + Views.label(after) + " already is as asked");
        } else {
            ctx.line("updated " + Views.label(after) + (widened ? ctx.style().paint(Style.YELLOW, " (scopes widened)") : "")
                    + "; 'keyvault keys history " + id + "' shows each field before and after");
        }
        return ExitCode.OK;
    }
}
