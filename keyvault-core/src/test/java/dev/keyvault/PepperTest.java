package dev.keyvault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keyvault.memory.InMemoryKeyStore;
import dev.keyvault.spi.Pepper;
import dev.keyvault.spi.PepperSource;
import dev.keyvault.testing.MutableClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The default hasher (HMAC-SHA-256) and its pepper: where it comes from, what happens without one,
 * how it is replaced, and how keys of 0.1 (Argon2id) move to it.
 */
class PepperTest {
    private static final byte[] V1 = bytes(1);
    private static final byte[] V2 = bytes(2);
    private final MutableClock clock = MutableClock.create();
    private final InMemoryKeyStore store = InMemoryKeyStore.create();

    private static byte[] bytes(int seed) {
        byte[] b = new byte[32];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) (seed * 31 + i);
        }
        return b;
    }

    private KeyManagerBuilder node() {
        return KeyManager.builder().store(store).clock(clock).usageFlushInterval(Duration.ZERO).changeFeedPollInterval(Duration.ZERO);
    }

    private String storedHash(IssuedKey k) {
        return store.find(k.id()).orElseThrow().hash();
    }

    @Test
    void whenNoPepperIsConfiguredThenTheDefaultHashesWithoutOneAndSaysSo() {
        // (the build runs without KEYVAULT_PEPPER and keyvault.pepper)
        try (KeyManager keys = node().build()) {
            IssuedKey k = keys.issue(KeySpec.builder("acme", "Dev").build());

            assertThat(keys.pepperStatus()).isEqualTo(PepperStatus.NOT_CONFIGURED);
            assertThat(storedHash(k)).startsWith("$hmac-sha256$k=none$");
            assertThat(keys.verify(k.token()).isVerified()).isTrue();
        }
        try (KeyManager keys = node().withoutPepper().build()) {
            assertThat(keys.pepperStatus()).isEqualTo(PepperStatus.DECLINED);
        }
        try (KeyManager keys = node().hasher(KeyHashers.argon2id(1024, 1, 1)).build()) {
            assertThat(keys.pepperStatus()).isEqualTo(PepperStatus.NOT_APPLICABLE);
        }
    }

    @Test
    void whenAPepperIsConfiguredThenHashesCarryItsIdAndAnotherPepperCannotReadThem() {
        try (KeyManager keys = node().pepper(Peppers.of("v1", V1)).build();
             KeyManager other = node().pepper(Peppers.of("x9", bytes(9))).build();
             KeyManager unpeppered = node().withoutPepper().build()) {
            IssuedKey k = keys.issue(KeySpec.builder("acme", "Prod").build());

            assertThat(keys.pepperStatus()).isEqualTo(PepperStatus.CONFIGURED);
            assertThat(storedHash(k)).startsWith("$hmac-sha256$k=v1$");
            assertThat(keys.verify(k.token()).isVerified()).isTrue();
            assertThat(other.verify(k.token()).isVerified()).as("without the pepper, no hash can be checked").isFalse();
            assertThat(unpeppered.verify(k.token()).isVerified()).isFalse();
        }
    }

    /**
     * The playbook: the new pepper first, the old one kept; keys move as they are used; once none is
     * left on the old one it can be dropped, and a key nobody used meanwhile stops verifying.
     */
    @Test
    void whenThePepperIsReplacedThenKeysVerifyAndMoveToTheNewOneOnTheirNextVerify() {
        IssuedKey used;
        IssuedKey idle;
        try (KeyManager v1 = node().pepper(Peppers.of("v1", V1)).build()) {
            used = v1.issue(KeySpec.builder("acme", "Used").build());
            idle = v1.issue(KeySpec.builder("acme", "Idle").build());
        }
        try (KeyManager both = node().pepper(Peppers.of(new Pepper("v2", V2), new Pepper("v1", V1))).build()) {
            assertThat(both.verify(used.token()).isVerified()).isTrue();
            assertThat(storedHash(used)).startsWith("$hmac-sha256$k=v2$");
            assertThat(both.history(used.id())).extracting(KeyEvent::type).containsExactly(KeyEventType.ISSUED, KeyEventType.REHASHED);
            assertThat(storedHash(idle)).startsWith("$hmac-sha256$k=v1$");
            IssuedKey fresh = both.issue(KeySpec.builder("acme", "Fresh").build());
            assertThat(storedHash(fresh)).startsWith("$hmac-sha256$k=v2$");
        }
        try (KeyManager both = node().pepper(Peppers.of(new Pepper("v2", V2), new Pepper("v1", V1))).build()) {
            HashingReport report = both.hashingReport();
            assertThat(report.current()).isEqualTo("hmac-sha256 k=v2");
            assertThat(report.schemes()).containsExactly(new HashingReport.Scheme("hmac-sha256 k=v2", 2, true, true),
                    new HashingReport.Scheme("hmac-sha256 k=v1", 1, false, true));
            assertThat(report.keysToMove()).as("the idle key; revoked keys are not counted").isEqualTo(1);
        }
        try (KeyManager v2only = node().pepper(Peppers.of("v2", V2)).build()) {
            assertThat(v2only.verify(used.token()).isVerified()).isTrue();
            assertThat(v2only.verify(idle.token()).isVerified()).as("its pepper was dropped before it moved").isFalse();
            assertThat(v2only.hashingReport().schemes()).contains(new HashingReport.Scheme("hmac-sha256 k=v1", 1, false, false));
        }
    }

    /** keyvault 0.1 hashed with Argon2id: a default manager reads those keys and moves them to HMAC. */
    @Test
    void whenKeysWereHashedWithArgon2idThenTheDefaultManagerVerifiesAndRehashesThem() {
        IssuedKey old;
        try (KeyManager v01 = node().hasher(KeyHashers.argon2id(1024, 1, 1)).build()) {
            old = v01.issue(KeySpec.builder("acme", "From 0.1").build());
        }
        assertThat(storedHash(old)).startsWith("$argon2id$");
        try (KeyManager keys = node().pepper(Peppers.of("v1", V1)).build()) {
            assertThat(keys.hashingReport().schemes()).containsExactly(
                    new HashingReport.Scheme("argon2id m=1024,t=1,p=1", 1, false, true));
        }
        try (KeyManager keys = node().pepper(Peppers.of("v1", V1)).build()) {
            assertThat(keys.verify(old.token()).isVerified()).isTrue();
            assertThat(storedHash(old)).startsWith("$hmac-sha256$k=v1$");
            assertThat(keys.hashingReport().keysToMove()).isZero();
        }
        try (KeyManager noArgon = node().pepper(Peppers.of("v1", V1)).additionalHashers().build()) {
            assertThat(noArgon.verify(old.token()).isVerified()).as("moved, so no Argon2 reader is needed any more").isTrue();
        }
    }

    @Test
    void whenPeppersAreMisconfiguredThenTheMessageSaysWhatWithoutTheBytes() {
        String secret = Base64.getEncoder().encodeToString(V1);
        assertThat(Peppers.parse("v2:" + Base64.getEncoder().encodeToString(V2) + ", v1:" + secret).peppers())
                .extracting(Pepper::id).containsExactly("v2", "v1");
        for (String bad : List.of("v1", ":" + secret, "v1:***", "v1:" + Base64.getEncoder().encodeToString(new byte[16]),
                "v1:" + secret + ",v1:" + secret, "none:" + secret, secret)) {
            assertThatThrownBy(() -> Peppers.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageNotContaining(secret);
        }
        assertThatThrownBy(() -> node().pepper(Peppers.of("v1", V1)).hasher(KeyHashers.argon2id()).build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("pepper");
        PepperSource failing = () -> {
            throw new IllegalStateException("vault unreachable");
        };
        assertThatThrownBy(() -> node().pepper(failing).build()).isInstanceOf(IllegalStateException.class);
        assertThat(new Pepper("v1", V1).toString()).doesNotContain(secret).contains("hidden");
        assertThatThrownBy(() -> node().pepper(Peppers.of("v1", V1)).withoutPepper()).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void whenThePepperComesFromTheEnvironmentOrAFileThenItIsUsed(@TempDir Path dir) throws Exception {
        String spec = "p7:" + Base64.getEncoder().encodeToString(bytes(7));
        System.setProperty(Peppers.SYSTEM_PROPERTY, spec);
        try (KeyManager keys = node().build()) {
            assertThat(keys.pepperStatus()).isEqualTo(PepperStatus.CONFIGURED);
            assertThat(storedHash(keys.issue(KeySpec.builder("acme", "Env").build()))).startsWith("$hmac-sha256$k=p7$");
        } finally {
            System.clearProperty(Peppers.SYSTEM_PROPERTY);
        }

        Path file = dir.resolve("pepper");
        Files.writeString(file, spec + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        assertThatThrownBy(() -> Peppers.fromFile(file)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("chmod 600");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        assertThat(Peppers.fromFile(file).peppers()).extracting(Pepper::id).containsExactly("p7");
    }
}
