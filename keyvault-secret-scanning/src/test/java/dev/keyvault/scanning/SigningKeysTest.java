package dev.keyvault.scanning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keyvault.testing.MutableClock;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** GitHub's signing keys: PEM configuration, the published list's format, and the cache over the host's fetch. */
class SigningKeysTest {
    private final KeyPair current = Fixture.p256();
    private final KeyPair next = Fixture.p256();
    private final MutableClock clock = MutableClock.create();

    @Test
    void whenKeysAreConfiguredAsPemThenEachIsFoundByItsIdentifier() {
        SigningKeys keys = SigningKeys.fromPem(Map.of("a", Fixture.pem(current.getPublic()), "b", Fixture.pem(next.getPublic())));
        assertThat(keys.find("a")).contains(current.getPublic());
        assertThat(keys.find("b")).contains(next.getPublic());
        assertThat(keys.find("c")).isEmpty();
    }

    @Test
    void whenAPemIsNotAP256PublicKeyThenItIsRefusedAtConfiguration() throws Exception {
        KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
        rsa.initialize(2048);
        KeyPairGenerator ec = KeyPairGenerator.getInstance("EC");
        ec.initialize(new ECGenParameterSpec("secp384r1"));
        for (String pem : new String[] {Fixture.pem(rsa.generateKeyPair().getPublic()), Fixture.pem(ec.generateKeyPair().getPublic()),
                "not a pem", "-----BEGIN PUBLIC KEY-----\n!!!\n-----END PUBLIC KEY-----", "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----"}) {
            assertThatThrownBy(() -> SigningKeys.fromPem(Map.of("a", pem))).isInstanceOf(IllegalArgumentException.class);
        }
        assertThatThrownBy(() -> SigningKeys.fromPem(Map.of("with space", Fixture.pem(current.getPublic()))))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SigningKeys.fromPem(Map.of())).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void whenTheListIsFetchedThenItIsCachedRefreshedHourlyAndRefetchedForANewIdentifierAtMostOnceAMinute() {
        AtomicInteger fetches = new AtomicInteger();
        AtomicReference<String> published = new AtomicReference<>(Fixture.keyList(new String[] {"k1"}, new PublicKey[] {current.getPublic()}));
        GitHubSigningKeys keys = GitHubSigningKeys.builder(() -> {
            fetches.incrementAndGet();
            return published.get();
        }).clock(clock).build();

        assertThat(keys.find("k1")).contains(current.getPublic());
        assertThat(keys.find("k1")).contains(current.getPublic());
        assertThat(fetches).hasValue(1);
        for (int i = 0; i < 100; i++) {
            assertThat(keys.find("made-up-" + i)).isEmpty();
        }
        assertThat(fetches).as("one refetch within the minute, whatever the identifiers").hasValue(1);

        // GitHub publishes its next key and starts signing with it
        published.set(Fixture.keyList(new String[] {"k2", "k1"}, new PublicKey[] {next.getPublic(), current.getPublic()}));
        clock.advance(Duration.ofMinutes(1));
        assertThat(keys.find("k2")).contains(next.getPublic());
        assertThat(keys.find("k1")).as("an older key stays accepted while listed").contains(current.getPublic());
        assertThat(fetches).hasValue(2);
        clock.advance(Duration.ofHours(1));
        keys.find("k1");
        assertThat(fetches).hasValue(3);
    }

    @Test
    void whenAFetchFailsThenTheKeysFetchedBeforeStayAndWithNoneItIsUnavailable() {
        AtomicReference<String> published = new AtomicReference<>(null);
        AtomicInteger fetches = new AtomicInteger();
        GitHubSigningKeys keys = GitHubSigningKeys.builder(() -> {
            fetches.incrementAndGet();
            String s = published.get();
            if (s == null) {
                throw new java.io.IOException("connection refused");
            }
            return s;
        }).clock(clock).build();
        assertThatThrownBy(() -> keys.find("k1")).isInstanceOf(SigningKeysUnavailableException.class);
        assertThatThrownBy(() -> keys.find("k1")).isInstanceOf(SigningKeysUnavailableException.class);
        assertThat(fetches).as("not again within the minute").hasValue(1);

        clock.advance(Duration.ofMinutes(1));
        published.set(Fixture.keyList(new String[] {"k1"}, new PublicKey[] {current.getPublic()}));
        assertThat(keys.find("k1")).contains(current.getPublic());
        published.set("{\"public_keys\":[]}"); // a broken publication must not drop the keys
        clock.advance(Duration.ofHours(2));
        assertThat(keys.find("k1")).contains(current.getPublic());
        published.set("<html>rate limited</html>");
        clock.advance(Duration.ofHours(2));
        assertThat(keys.find("k1")).contains(current.getPublic());
    }

    @Test
    void whenTheListHoldsEntriesOfOtherShapesThenOnlyP256KeysAreTaken() throws Exception {
        KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
        rsa.initialize(2048);
        String json = "{\"public_keys\":[{\"key_identifier\":\"rsa\",\"key\":\"" + Fixture.pem(rsa.generateKeyPair().getPublic()).replace("\n", "\\n")
                + "\",\"is_current\":false},{\"key_identifier\":5,\"key\":\"x\"},{\"key\":\"x\"},\"junk\","
                + "{\"key_identifier\":\"k1\",\"key\":\"" + Fixture.pem(current.getPublic()).replace("\n", "\\n") + "\",\"is_current\":true,\"new\":1}]}";
        GitHubSigningKeys keys = GitHubSigningKeys.builder(() -> json).clock(clock).build();
        assertThat(keys.find("k1")).contains(current.getPublic());
        assertThat(keys.find("rsa")).isEmpty();
    }

    @Test
    void whenTheBuilderIsGivenBadSettingsThenItRefusesThem() {
        assertThatThrownBy(() -> GitHubSigningKeys.builder(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> GitHubSigningKeys.builder(() -> "").refreshInterval(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> GitHubSigningKeys.builder(() -> "").refetchInterval(Duration.ofMillis(10)))
                .isInstanceOf(IllegalArgumentException.class);
        dev.keyvault.KeyManager keys = dev.keyvault.KeyManager.inMemory(clock);
        SigningKeys signing = SigningKeys.of(Map.of("k1", current.getPublic()));
        assertThatThrownBy(() -> SecretScanningServlet.builder(keys, signing).maxBodyBytes(10)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SecretScanningServlet.builder(keys, signing).trustedProxies("not an address"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SecretScanningServlet.builder(keys, signing).actor(" "))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SecretScanningServlet.builder(keys, signing).policy(LeakPolicy.FLAG).secretsSink((a, b) -> {}).build())
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> SigningKeys.of(Map.of("k1", next.getPublic(), "k 2", current.getPublic())))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
