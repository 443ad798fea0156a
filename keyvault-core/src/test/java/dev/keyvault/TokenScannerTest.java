package dev.keyvault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keyvault.testing.MutableClock;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Finding keyvault tokens in text for leak response: every real token, at its position, once; no
 * false positive among millions of well-shaped candidates; never a secret in what is reported.
 */
class TokenScannerTest {
    private static final String BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    private final MutableClock clock = MutableClock.create();

    private List<IssuedKey> issue(String prefix, int n) {
        List<IssuedKey> out = new ArrayList<>();
        try (KeyManager keys = KeyManagerBuilder.forTests(clock).keyPrefix(prefix).build()) {
            for (int i = 0; i < n; i++) {
                out.add(keys.issue(KeySpec.builder("acme", "k" + i).build()));
            }
        }
        return out;
    }

    private static String random(Random r, int n) {
        char[] c = new char[n];
        for (int i = 0; i < n; i++) {
            c[i] = BASE62.charAt(r.nextInt(62));
        }
        return new String(c);
    }

    @Test
    void whenTokensAppearInTextThenEachIsFoundAtItsPositionWithItsKeyIdAndNoSecret() {
        List<IssuedKey> live = issue("kb_live", 3);
        List<IssuedKey> test = issue("kb_test", 1);
        String text = "config:\n  token: \"" + live.get(0).token() + "\"\nurl=https://x/?key=" + live.get(1).token()
                + "&a=1\n{\"k\":\"" + test.get(0).token() + "\"} (" + live.get(2).token() + ").";
        TokenScanner scanner = TokenScanner.forPrefixes("kb_live", "kb_test");

        List<TokenMatch> found = scanner.scan(text);

        assertThat(found).extracting(TokenMatch::keyId)
                .containsExactly(live.get(0).id(), live.get(1).id(), test.get(0).id(), live.get(2).id());
        for (TokenMatch m : found) {
            assertThat(text.substring((int) m.offset(), (int) m.offset() + m.length()))
                    .startsWith(m.prefix() + "_" + m.keyId() + "_");
            assertThat(m.checksumValid()).isTrue();
            assertThat(m.toString()).doesNotContain(text.substring((int) m.offset() + m.prefix().length() + 14, (int) m.offset() + m.length()));
        }
        assertThat(TokenScanner.forPrefixes("kb_live").scan(text)).hasSize(3);
    }

    @Test
    void whenATokenIsPartOfALongerWordThenItIsNotAMatch() {
        String token = issue("kb_live", 1).get(0).token();
        TokenScanner scanner = TokenScanner.forPrefixes("kb_live");
        assertThat(scanner.scan("x" + token)).isEmpty();
        assertThat(scanner.scan(token + "x")).isEmpty();
        assertThat(scanner.scan(token + "_")).isEmpty();
        assertThat(scanner.scan("_" + token)).isEmpty();
        assertThat(scanner.scan(token.substring(0, token.length() - 1))).isEmpty();
        assertThat(scanner.scan("-" + token + "-")).hasSize(1);
        assertThat(scanner.scan(token + token)).as("two glued together are one longer word").isEmpty();
        assertThat(scanner.scan(token + "\n" + token)).hasSize(2);
    }

    /** 62⁻⁶ per candidate: millions of well-shaped strings and every single-character corruption give no match. */
    @Test
    void whenMillionsOfWellShapedCandidatesAreScannedThenNoneIsTakenForAToken() {
        TokenScanner scanner = TokenScanner.forPrefixes("kb_live");
        TokenScanner nearMisses = scanner.withNearMisses();
        Random r = new Random(7);
        long candidates = 0;
        long valid = 0;
        for (int chunk = 0; chunk < 20; chunk++) {
            StringBuilder sb = new StringBuilder(100_000 * 60);
            for (int i = 0; i < 100_000; i++) {
                sb.append("kb_live_").append(random(r, 12)).append('_').append(random(r, 38)).append(' ');
            }
            List<TokenMatch> shaped = nearMisses.scan(sb);
            candidates += shaped.size();
            valid += scanner.scan(sb).size();
        }
        assertThat(candidates).as("well-shaped random candidates").isEqualTo(2_000_000);
        assertThat(valid).isZero();

        long corruptions = 0;
        StringBuilder corrupted = new StringBuilder();
        for (IssuedKey k : issue("kb_live", 60)) {
            String t = k.token();
            for (int i = "kb_live_".length(); i < t.length(); i++) {
                if (t.charAt(i) == '_') {
                    continue;
                }
                for (int c = 0; c < 62; c++) {
                    char ch = BASE62.charAt(c);
                    if (ch != t.charAt(i)) {
                        corrupted.append(t, 0, i).append(ch).append(t, i + 1, t.length()).append('\n');
                        corruptions++;
                    }
                }
            }
        }
        assertThat(nearMisses.scan(corrupted)).hasSize((int) corruptions).allMatch(m -> !m.checksumValid());
        assertThat(scanner.scan(corrupted)).isEmpty();
        assertThat(corruptions).as("60 tokens x 50 characters x 61 substitutes").isEqualTo(183_000);
    }

    /** Any size in bounded memory: a 16 MiB stream with tokens across window boundaries. */
    @Test
    void whenAHugeStreamIsScannedThenEveryTokenIsFoundOnceAcrossWindowBoundaries() throws IOException {
        List<IssuedKey> keys = issue("kb_live", 10);
        long size = 16L * 1024 * 1024;
        List<Long> planted = new ArrayList<>();
        Reader reader = new Reader() {
            private long pos;
            private final Random r = new Random(3);

            @Override
            public int read(char[] cbuf, int off, int len) {
                if (pos >= size) {
                    return -1;
                }
                int n = (int) Math.min(len, size - pos);
                for (int i = 0; i < n; i++) {
                    long at = pos + i;
                    // a token every ~1.6 MiB, placed to straddle the scanner's 64 KiB windows at varying offsets
                    int slot = (int) (at / 1_677_723);
                    long start = slot * 1_677_723L + 65_500 + slot * 3;
                    int tokenLength = slot < keys.size() ? keys.get(slot).token().length() : 0;
                    if (slot < keys.size() && at >= start && at < start + tokenLength) {
                        if (at == start) {
                            planted.add(start);
                        }
                        cbuf[off + i] = keys.get(slot).token().charAt((int) (at - start));
                    } else if (slot < keys.size() && (at == start - 1 || at == start + tokenLength)) {
                        cbuf[off + i] = ' '; // a token is a word of its own
                    } else {
                        cbuf[off + i] = r.nextInt(10) == 0 ? ' ' : BASE62.charAt(r.nextInt(62));
                    }
                }
                pos += n;
                return n;
            }

            @Override
            public void close() {}
        };
        List<TokenMatch> found = new ArrayList<>();
        TokenScanner.forPrefixes("kb_live").scan(reader, found::add);

        assertThat(found).extracting(TokenMatch::offset).containsExactlyElementsOf(planted);
        assertThat(found).extracting(TokenMatch::keyId).containsExactlyElementsOf(keys.stream().map(IssuedKey::id).toList());
        List<TokenMatch> bytes = new ArrayList<>();
        String small = "a " + keys.get(0).token() + " b";
        TokenScanner.forPrefixes("kb_live").scan(new ByteArrayInputStream(small.getBytes(StandardCharsets.US_ASCII)), bytes::add);
        assertThat(bytes).singleElement().extracting(TokenMatch::offset).isEqualTo(2L);
    }

    @Test
    void whenTheRegexForAPrefixIsAskedThenItMatchesItsTokensAndIsRefusedForABadPrefix() {
        String token = issue("kb_live", 1).get(0).token();
        assertThat(TokenScanner.regex("kb_live")).isEqualTo("\\bkb_live_[0-9A-Za-z]{12}_[0-9A-Za-z]{38}\\b");
        assertThat(Pattern.compile(TokenScanner.regex("kb_live")).matcher("x " + token + " y").find()).isTrue();
        assertThatThrownBy(() -> TokenScanner.regex("KB LIVE")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TokenScanner.forPrefixes()).isInstanceOf(IllegalArgumentException.class);
    }
}
