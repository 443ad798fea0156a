package dev.keyvault.benchmarks.core;

import dev.keyvault.IssuedKey;
import dev.keyvault.KeyManager;
import dev.keyvault.KeyManagerBuilder;
import dev.keyvault.KeySpec;
import dev.keyvault.TokenMatch;
import dev.keyvault.TokenScanner;
import dev.keyvault.testing.MutableClock;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Scanning 1 MiB of repository-like text (source, configuration, logs, base64 blobs; the prefix also
 * inside identifiers; 64 tokens of which 16 fail their checksum) for {@code kb_live} tokens: the
 * {@link TokenScanner}, which checks shape, word boundaries and the CRC32, against its floor — the
 * fastest plain {@link Pattern} scan of the same text for the same shape, which checks no checksum.
 *
 * <p>The floor's pattern starts with the literal prefix ({@code kb_live_[0-9A-Za-z]{12}_…(?![0-9A-Za-z_])}),
 * which {@code java.util.regex} searches with Boyer-Moore, and checks the leading word boundary by
 * hand. The regex the library prints for secret-scanning services starts with {@code \b}, which
 * turns off that search; {@link #printedRegex} measures it for reference.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class TokenScanBenchmark {
    static final String PREFIX = "kb_live";
    static final int SIZE = 1 << 20;

    String text;
    TokenScanner scanner;
    Pattern floor;
    Pattern printed;
    /** What every side must find: the valid tokens (scanner) and well-shaped strings (patterns). */
    int validTokens;
    int shapedTokens;

    @Setup
    public void setUp() {
        scanner = TokenScanner.forPrefixes(PREFIX);
        floor = Pattern.compile(PREFIX + "_[0-9A-Za-z]{12}_[0-9A-Za-z]{38}(?![0-9A-Za-z_])");
        printed = Pattern.compile(TokenScanner.regex(PREFIX));
        text = corpus(new Random(42));
        validTokens = scanText();
        shapedTokens = patternFloor();
        if (validTokens != 48 || shapedTokens != 64 || printedRegex() != 64 || scanReader() != 48) {
            throw new IllegalStateException("setup: the sides disagree: " + validTokens + " valid, " + shapedTokens + " shaped");
        }
    }

    @Benchmark
    public int scanText() {
        return scanner.scan(text).size();
    }

    @Benchmark
    public int scanReader() {
        int[] n = new int[1];
        try {
            scanner.scan(new StringReader(text), (TokenMatch m) -> n[0]++);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return n[0];
    }

    @Benchmark
    public int patternFloor() {
        int n = 0;
        Matcher m = floor.matcher(text);
        while (m.find()) {
            int at = m.start();
            if (at == 0 || !isWordChar(text.charAt(at - 1))) {
                n++;
            }
        }
        return n;
    }

    @Benchmark
    public int printedRegex() {
        int n = 0;
        Matcher m = printed.matcher(text);
        while (m.find()) {
            n++;
        }
        return n;
    }

    private static boolean isWordChar(char c) {
        return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
    }

    /** 1 MiB of lines a repository holds, with 48 real tokens, 16 with a broken checksum and the prefix in identifiers. */
    static String corpus(Random r) {
        List<String> tokens;
        MutableClock clock = MutableClock.create();
        try (KeyManager keys = KeyManagerBuilder.forTests(clock).keyPrefix(PREFIX).build()) {
            tokens = new java.util.ArrayList<>();
            for (int i = 0; i < 64; i++) {
                IssuedKey k = keys.issue(KeySpec.builder("bench", "scan " + i).build());
                String t = k.token();
                if (i % 4 == 3) { // a near miss: the right shape, a wrong last checksum character
                    char last = t.charAt(t.length() - 1);
                    t = t.substring(0, t.length() - 1) + (last == 'A' ? 'B' : 'A');
                }
                tokens.add(t);
            }
        }
        String[] lines = {
            "    private static final String KB_LIVE_ENDPOINT = \"https://api.example.com/v1/articles\";",
            "2026-06-01T12:00:00.123Z INFO  [http-nio-8080-exec-7] d.k.s.ApiKeyFilter - GET /articles/42 200 3ms",
            "kb_live_mode: true   # kb_live_timeout_seconds: 30",
            "  if (config.kb_live_enabled() && request.getHeader(\"X-Request-Id\") != null) { return chain.next(); }",
            "{\"id\":\"4f9c2a\",\"name\":\"Docs search\",\"scopes\":[\"kb:read\"],\"createdAt\":\"2026-05-01T00:00:00Z\"}",
            "dGhlIHF1aWNrIGJyb3duIGZveCBqdW1wcyBvdmVyIHRoZSBsYXp5IGRvZyBhbmQgdGhlbiBzb21lIG1vcmUgYmFzZTY0",
            "import dev.keyvault.servlet.ApiKeyFilterConfig; // kb_live_ keys are issued by the admin console",
            "",
        };
        StringBuilder sb = new StringBuilder(SIZE + 256);
        int next = 0;
        while (sb.length() < SIZE) {
            if (r.nextInt(250) == 0 && next < tokens.size()) {
                sb.append("export KB_TOKEN=").append(tokens.get(next++)).append('\n');
            } else {
                sb.append(lines[r.nextInt(lines.length)]).append('\n');
            }
        }
        // whatever the random walk did not place goes at the end, so every run scans the same 64
        while (next < tokens.size()) {
            sb.append("token=\"").append(tokens.get(next++)).append("\"\n");
        }
        return sb.toString();
    }
}
