package dev.keyvault.cli.internal;

import dev.keyvault.CreditRefill;
import dev.keyvault.Credits;
import dev.keyvault.IpAllowlist;
import dev.keyvault.Syntax;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads the key-policy options the commands share — {@code --allow-ip}, {@code --metadata
 * name=value}, {@code --credits} with {@code --refill} — into the library's values. Every mistake is
 * exit 2 naming the option, with the library's rule and never the value (an operator may have pasted
 * something secret into the wrong place).
 */
final class PolicyOptions {
    private PolicyOptions() {}

    static IpAllowlist allowlist(List<String> ranges) {
        try {
            return IpAllowlist.of(ranges.stream().map(String::strip).toList());
        } catch (IllegalArgumentException e) {
            throw CliException.usage("--allow-ip: " + e.getMessage());
        }
    }

    /** {@code name=value} entries: split at the first {@code =}; the value may hold more. */
    static Map<String, String> metadata(List<String> entries) {
        Map<String, String> out = new TreeMap<>();
        for (String entry : entries) {
            int eq = entry.indexOf('=');
            if (eq <= 0) {
                throw CliException.usage("--metadata takes name=value, such as --metadata plan=pro");
            }
            String name = entry.substring(0, eq);
            if (out.containsKey(name)) {
                throw CliException.usage("--metadata names an entry twice");
            }
            out.put(name, entry.substring(eq + 1));
        }
        try {
            return Syntax.metadata(out);
        } catch (IllegalArgumentException e) {
            throw CliException.usage("--metadata: " + e.getMessage());
        }
    }

    static Credits credits(long balance, String refill) {
        try {
            Credits c = Credits.of(balance);
            return refill == null ? c : c.withRefill(CreditRefill.parse(refill.strip()));
        } catch (IllegalArgumentException e) {
            throw CliException.usage("--credits/--refill: " + e.getMessage());
        }
    }
}
