package dev.keyvault.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keyvault.Syntax;
import java.security.SecureRandom;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TokenFormatTest {
    private final SecureRandom random = new SecureRandom();

    @Test
    void whenFormattedThenTokenIsOneWordWithPrefixIdSecretAndChecksumAndParsesBack() {
        TokenFormat format = new TokenFormat("kb_live");
        String id = TokenFormat.newKeyId(random);
        byte[] secret = TokenFormat.newSecret(random);
        String token = format.format(id, secret);

        assertThat(token).matches("kb_live_[0-9A-Za-z]{12}_[0-9A-Za-z]{38}").hasSize(format.length());
        ParsedToken parsed = format.parse(token);
        assertThat(parsed.keyId()).isEqualTo(id);
        assertThat(parsed.secret()).isEqualTo(secret);
    }

    @Test
    void whenAnySingleCharacterIsReplacedThenTheChecksumOrFormatRejectsIt() {
        TokenFormat format = new TokenFormat("kv");
        String token = format.format(TokenFormat.newKeyId(random), TokenFormat.newSecret(random));
        int tried = 0;
        for (int i = 0; i < token.length(); i++) {
            for (char c : Base62.ALPHABET) {
                if (c == token.charAt(i)) {
                    continue;
                }
                String mutated = token.substring(0, i) + c + token.substring(i + 1);
                assertThat(format.parse(mutated)).as("position %d -> %s", i, c).isNull();
                tried++;
            }
        }
        long separators = token.chars().filter(ch -> ch == '_').count();
        assertThat(tried).isEqualTo((token.length() - separators) * 61 + separators * 62);
    }

    @Test
    void whenIdsAndSecretsAreGeneratedThenTheyCarryTheDocumentedEntropyAndDoNotRepeat() {
        assertThat(Syntax.KEY_ID_LENGTH * Math.log(62) / Math.log(2)).isGreaterThanOrEqualTo(64);
        assertThat(TokenFormat.SECRET_LENGTH * Math.log(62) / Math.log(2)).isGreaterThanOrEqualTo(190);
        Set<String> ids = new HashSet<>();
        int[] counts = new int[128];
        for (int i = 0; i < 100_000; i++) {
            String id = TokenFormat.newKeyId(random);
            assertThat(ids.add(id)).isTrue();
            for (char c : id.toCharArray()) {
                counts[c]++;
            }
        }
        // each of the 62 characters appears 1,200,000/62 ≈ 19,355 times; a biased generator would be far off
        for (char c : Base62.ALPHABET) {
            assertThat(counts[c]).isBetween(18_000, 20_700);
        }
    }

    @Test
    void whenPrefixBreaksTheRulesThenRefused() {
        for (String ok : new String[] {"kv", "kb_live", "acme_test_v2"}) {
            assertThat(new TokenFormat(ok).prefix()).isEqualTo(ok);
        }
        for (String bad : new String[] {"k", "KV", "kb__live", "kb_", "_kb", "1kb", "kb-live", "a".repeat(17), ""}) {
            assertThatThrownBy(() -> new TokenFormat(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void whenSuccessorNamesAreDerivedThenVersionsCountUpAndStayWithinTheLimit() {
        assertThat(RotationNames.next("Sync")).isEqualTo("Sync v2");
        assertThat(RotationNames.next("Sync v2")).isEqualTo("Sync v3");
        assertThat(RotationNames.next("Sync v19")).isEqualTo("Sync v20");
        assertThat(RotationNames.next("v2")).isEqualTo("v2 v2");
        assertThat(RotationNames.next("x".repeat(200))).hasSize(200).endsWith(" v2");
    }
}
