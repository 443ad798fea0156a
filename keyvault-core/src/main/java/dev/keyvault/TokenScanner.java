package dev.keyvault;

import static java.util.Objects.requireNonNull;

import dev.keyvault.internal.TokenFormat;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

/**
 * Finds keyvault tokens of given prefixes in text — a log, a repository, a paste — for leak
 * response: each match's position and key id, never its secret, and nothing logged. A match must
 * be a whole word ({@code <prefix>_<12 base62>_<38 base62>}, not inside a longer run of letters,
 * digits or underscores) and pass the CRC32 checksum, so a random string of the right shape is taken
 * for a token with probability 62⁻⁶ (about 2⁻³⁶, and never more than 2⁻³² for any six characters):
 * in practice no false positives. Whether a match is a live key is the key store's answer.
 *
 * <p>{@link #scan(Reader, Consumer)} and {@link #scan(InputStream, Consumer)} read input of any size
 * in bounded memory (a 64 KiB window). The scan looks for the prefixes with {@code String.indexOf}
 * and checks the shape and checksum only where one starts. Immutable and thread-safe.
 */
public final class TokenScanner {
    private static final int WINDOW = 64 * 1024;
    private static final int TAIL = 1 + TokenFormat.KEY_ID_LENGTH + 1 + TokenFormat.SECRET_LENGTH + TokenFormat.CHECKSUM_LENGTH;

    private final List<String> prefixes;
    private final String[] starts;
    private final int longest;
    private final boolean nearMisses;

    private TokenScanner(List<String> prefixes, boolean nearMisses) {
        this.prefixes = List.copyOf(prefixes);
        this.starts = prefixes.stream().map(p -> p + "_").toArray(String[]::new);
        this.longest = prefixes.stream().mapToInt(String::length).max().orElse(0) + TAIL;
        this.nearMisses = nearMisses;
    }

    /** A scanner for tokens of these prefixes (such as {@code kb_live}, {@code kb_test}). */
    public static TokenScanner forPrefixes(String... prefixes) {
        requireNonNull(prefixes, "prefixes");
        if (prefixes.length == 0) {
            throw new IllegalArgumentException("at least one prefix");
        }
        List<String> list = new ArrayList<>();
        for (String p : prefixes) {
            list.add(Syntax.prefix(p));
        }
        return new TokenScanner(list, false);
    }

    /** A copy that also reports well-shaped strings whose checksum fails ({@link TokenMatch#checksumValid()} false). */
    public TokenScanner withNearMisses() {
        return new TokenScanner(prefixes, true);
    }

    public List<String> prefixes() {
        return prefixes;
    }

    /**
     * The regular expression that matches this scanner's tokens of {@code prefix}, for secret
     * scanning services (GitHub's partner program asks for one per token type):
     * {@code \bkb_live_[0-9A-Za-z]{12}_[0-9A-Za-z]{38}\b}.
     */
    public static String regex(String prefix) {
        return "\\b" + Syntax.prefix(prefix) + "_[0-9A-Za-z]{" + TokenFormat.KEY_ID_LENGTH + "}_[0-9A-Za-z]{"
                + (TokenFormat.SECRET_LENGTH + TokenFormat.CHECKSUM_LENGTH) + "}\\b";
    }

    /** The matches in {@code text}, in order. */
    public List<TokenMatch> scan(CharSequence text) {
        requireNonNull(text, "text");
        List<TokenMatch> out = new ArrayList<>();
        String s = text.toString();
        scanWindow(s, 0, s.length(), 0, true, out::add);
        return out;
    }

    /** Reports each match in {@code reader}, in order, in bounded memory. Offsets count characters. */
    public void scan(Reader reader, Consumer<TokenMatch> matches) throws IOException {
        requireNonNull(reader, "reader");
        requireNonNull(matches, "matches");
        char[] buf = new char[WINDOW + longest];
        int keep = 0;
        long base = 0;
        for (;;) {
            int n = reader.read(buf, keep, WINDOW);
            boolean last = n < 0;
            int len = keep + Math.max(n, 0);
            String window = new String(buf, 0, len);
            // Only starts before the carried-over tail are decided now; the tail is rescanned with what follows.
            int decideUpTo = last ? len : Math.max(0, len - longest);
            scanWindow(window, 0, decideUpTo, base, last, matches);
            if (last) {
                Arrays.fill(buf, '\0');
                return;
            }
            keep = len - decideUpTo;
            System.arraycopy(buf, decideUpTo, buf, 0, keep);
            base += decideUpTo;
        }
    }

    /** Reports each match in the bytes of {@code in} (tokens are ASCII), in bounded memory. Offsets count bytes. */
    public void scan(InputStream in, Consumer<TokenMatch> matches) throws IOException {
        requireNonNull(in, "in");
        scan(new java.io.InputStreamReader(in, StandardCharsets.ISO_8859_1), matches);
    }

    /** Scans token starts in {@code [from, to)} of {@code s}; a token may run past {@code to}. */
    private void scanWindow(String s, int from, int to, long base, boolean endOfInput, Consumer<TokenMatch> out) {
        // One pass per prefix; with few prefixes, indexOf (vectorized by the JVM) beats any automaton.
        List<TokenMatch> found = starts.length == 1 ? null : new ArrayList<>();
        for (int p = 0; p < starts.length; p++) {
            String start = starts[p];
            int at = s.indexOf(start, from);
            while (at >= 0 && at < to) {
                TokenMatch m = match(s, at, p, base, endOfInput);
                if (m != null) {
                    if (found == null) {
                        out.accept(m);
                    } else {
                        found.add(m);
                    }
                }
                at = s.indexOf(start, at + 1);
            }
        }
        if (found != null) {
            found.sort((a, b) -> Long.compare(a.offset(), b.offset()));
            found.forEach(out);
        }
    }

    private TokenMatch match(String s, int at, int p, long base, boolean endOfInput) {
        String prefix = prefixes.get(p);
        int end = at + prefix.length() + TAIL;
        if (end > s.length()) {
            return null;
        }
        if (at > 0 && isWordChar(s.charAt(at - 1))) {
            return null; // inside a longer word, such as xkb_live_…
        }
        if (end < s.length() && isWordChar(s.charAt(end))) {
            return null;
        }
        int idStart = at + prefix.length() + 1;
        if (s.charAt(idStart + TokenFormat.KEY_ID_LENGTH) != '_') {
            return null;
        }
        byte[] b = new byte[end - at];
        try {
            for (int i = 0; i < b.length; i++) {
                char c = s.charAt(at + i);
                if (c > 0x7f) {
                    return null;
                }
                b[i] = (byte) c;
            }
            int rel = prefix.length() + 1;
            if (!TokenFormat.allBase62(b, rel, TokenFormat.KEY_ID_LENGTH)
                    || !TokenFormat.allBase62(b, rel + TokenFormat.KEY_ID_LENGTH + 1, TokenFormat.SECRET_LENGTH + TokenFormat.CHECKSUM_LENGTH)) {
                return null;
            }
            boolean valid = TokenFormat.checksumHolds(b, 0, b.length);
            if (!valid && !nearMisses) {
                return null;
            }
            return new TokenMatch(base + at, b.length, prefix, s.substring(idStart, idStart + TokenFormat.KEY_ID_LENGTH), valid);
        } finally {
            Arrays.fill(b, (byte) 0);
        }
    }

    private static boolean isWordChar(char c) {
        return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
    }

    @Override
    public String toString() {
        return "TokenScanner" + prefixes;
    }
}
