package dev.keyvault.cli.internal;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Removes secrets from text before the CLI prints it on stderr: every token-shaped word (whatever its
 * prefix), passwords in JDBC URLs, and each secret the process has read or made (the database
 * password, the pepper specification, a token read from stdin or just issued). Driver messages and
 * exception texts pass through here, since some drivers echo a URL or a value. Thread-safe.
 */
final class Redactor {
    /** {@code <prefix>_<12 base62 key id>_<secret and checksum>}, for any prefix and secret length of 20 or more. */
    static final Pattern TOKEN = Pattern.compile("(?<![0-9A-Za-z])([a-z][a-z0-9]*(?:_[a-z][a-z0-9]*)*)_([0-9A-Za-z]{12})_[0-9A-Za-z]{20,}");
    private static final Pattern URL_PASSWORD = Pattern.compile("(?i)(password=)[^&;:\\s]*");
    private static final Pattern URL_USER_INFO = Pattern.compile("(//[^/:@\\s]+:)[^@/\\s]+@");
    private static final int SHORTEST_SECRET = 4;

    private final List<String> secrets = new CopyOnWriteArrayList<>();

    /** Remembers a secret to remove from everything printed from now on; short or blank ones are ignored. */
    public void add(String secret) {
        requireNonNull(secret, "secret");
        String s = secret.strip();
        if (s.length() >= SHORTEST_SECRET) {
            secrets.add(s);
        }
        if (s.length() != secret.length() && secret.length() >= SHORTEST_SECRET) {
            secrets.add(secret);
        }
    }

    /** {@code text} with every known secret, token-shaped word and URL password replaced. */
    public String redact(String text) {
        if (text == null || text.isEmpty()) {
            return text == null ? "" : text;
        }
        String out = text;
        for (String s : secrets) {
            out = out.replace(s, "[redacted]");
        }
        Matcher m = TOKEN.matcher(out);
        out = m.replaceAll(r -> Matcher.quoteReplacement(r.group(1) + "_" + r.group(2) + "_[redacted]"));
        out = URL_PASSWORD.matcher(out).replaceAll("$1[redacted]");
        out = URL_USER_INFO.matcher(out).replaceAll("$1[redacted]@");
        return out;
    }

    /** Whether {@code text} holds a token-shaped word. */
    public static boolean containsToken(String text) {
        return text != null && TOKEN.matcher(text).find();
    }
}
