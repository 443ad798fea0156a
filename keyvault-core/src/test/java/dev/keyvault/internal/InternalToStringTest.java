package dev.keyvault.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keyvault.ApiKey;
import dev.keyvault.KeyStatus;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class InternalToStringTest {
    @Test
    void whenInternalHoldersOfSecretsArePrintedThenTheSecretIsHidden() {
        TokenFormat format = new TokenFormat("kb_live");
        String id = TokenFormat.newKeyId(new SecureRandom());
        byte[] secret = TokenFormat.newSecret(new SecureRandom());
        String secretText = new String(secret, StandardCharsets.US_ASCII);
        String token = format.format(id, secret);
        ParsedToken parsed = format.parse(token);
        ApiKey key = new ApiKey(id, "kb_live", "acme", "n", Set.of(), "default", "default", Set.of(), Optional.empty(),
                Instant.EPOCH, Optional.empty(), Optional.empty(), KeyStatus.ACTIVE, Optional.empty(), Optional.empty(),
                Optional.empty(), false);
        CacheEntry entry = new CacheEntry(Sha256.digest(secret), key, 0);

        assertThat(parsed.toString()).contains(id).doesNotContain(secretText);
        assertThat(entry.toString()).contains(id).doesNotContain(secretText);
        assertThat(format.toString()).doesNotContain(secretText);
        parsed.wipe();
        assertThat(parsed.secret()).containsOnly((byte) 0);
    }
}
