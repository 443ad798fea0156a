package dev.keyvault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keyvault.LegacyTokenFormat.Hashed;
import dev.keyvault.VerificationResult.Rejected;
import dev.keyvault.memory.InMemoryKeyStore;
import dev.keyvault.rotation.ComplianceReport;
import dev.keyvault.rotation.RotationDue;
import dev.keyvault.rotation.RotationStatus;
import dev.keyvault.support.DelegatingKeyStore;
import dev.keyvault.testing.MutableClock;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;
import org.junit.jupiter.api.Test;

/**
 * Keys brought over from the system keyvault replaces: the hand-rolled tables Java teams keep (a
 * bcrypt column, a plain SHA-256 column), django-rest-framework-api-key's {@code prefix.secret},
 * Laravel Sanctum's {@code id|secret}. Their tokens keep working, through the same cache and
 * revocation as keyvault's own, until they are rotated into keyvault's format.
 */
class LegacyImportTest {
    private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    private static final SecureRandom RANDOM = new SecureRandom();
    private final MutableClock clock = MutableClock.create();
    private final AtomicInteger finds = new AtomicInteger();
    private final InMemoryKeyStore real = InMemoryKeyStore.create();
    private final DelegatingKeyStore store = new DelegatingKeyStore(real) {
        @Override
        protected void before(String operation) {
            if (operation.startsWith("find")) {
                finds.incrementAndGet();
            }
        }
    };

    private KeyManager manager(LegacyTokenFormat format) {
        return KeyManager.builder().store(store).clock(clock).pepper(Peppers.of("v1", new byte[32]))
                .additionalHashers(KeyHashers.argon2id(), KeyHashers.bcrypt(), KeyHashers.pbkdf2(), KeyHashers.unsaltedSha256())
                .legacyTokens(format).usageFlushInterval(Duration.ZERO).changeFeedPollInterval(Duration.ZERO).build();
    }

    private static String random(int n) {
        StringBuilder sb = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            sb.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
        }
        return sb.toString();
    }

    private static String bcrypt(String token) {
        byte[] salt = new byte[16];
        RANDOM.nextBytes(salt);
        return OpenBSDBCrypt.generate("2b", token.toCharArray(), salt, 4);
    }

    private static String sha256Hex(String s) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.US_ASCII)));
    }

    private KeyImport drfRow(String id, String prefix, String token) {
        return KeyImport.builder("legacy-" + id, KeySpec.builder("acme", "Legacy " + id).scopes("kb:read").build(),
                Instant.parse("2025-01-15T10:00:00Z")).hash(bcrypt(token), prefix).build();
    }

    @Test
    void whenABcryptTableIsImportedThenItsPrefixDotSecretTokensVerifyHotAfterTheirFirstCheck() {
        String prefix = random(8);
        String token = prefix + "." + random(32);
        try (KeyManager keys = manager(LegacyTokenFormat.separated(".", Hashed.WHOLE_TOKEN))) {
            ImportResult imported = keys.importKey(drfRow("1", prefix, token));
            assertThat(imported.outcome()).isEqualTo(ImportResult.Outcome.IMPORTED);
            ApiKey key = imported.key().orElseThrow();
            assertThat(key.isImported()).isTrue();
            assertThat(key.createdAt()).isEqualTo(Instant.parse("2025-01-15T10:00:00Z"));
            assertThat(keys.history(key.id())).extracting(KeyEvent::type).containsExactly(KeyEventType.IMPORTED);

            VerificationResult first = keys.verify(token);
            assertThat(first).isInstanceOf(VerificationResult.Verified.class);
            assertThat(((VerificationResult.Verified) first).key().id()).isEqualTo(key.id());
            int findsAfterFirst = finds.get();
            assertThat(keys.verify(token).isVerified()).isTrue();
            assertThat(finds.get()).as("the second verify is a cache hit: no store read").isEqualTo(findsAfterFirst);

            assertThat(keys.verify(prefix + "." + random(32))).isEqualTo(Rejected.of(RejectionReason.INVALID));
            assertThat(keys.verify(random(8) + "." + random(32))).isEqualTo(Rejected.of(RejectionReason.UNKNOWN));
            for (String garbage : new String[] {"", "no-separator", "." + random(10), "bad prefix!.x", "a.b c", "ü.ü"}) {
                assertThat(keys.verify(garbage)).as(garbage).isEqualTo(Rejected.of(RejectionReason.MALFORMED));
            }
            // the bcrypt hash moved to the default hasher on the first verify: still the same token
            assertThat(real.find(key.id()).orElseThrow().hash()).startsWith("$hmac-sha256$k=v1$");
        }
        try (KeyManager restarted = manager(LegacyTokenFormat.separated(".", Hashed.WHOLE_TOKEN))) {
            assertThat(restarted.verify(token).isVerified()).isTrue();
        }
    }

    @Test
    void whenSanctumAndUnkeyStyleTablesAreImportedThenTheirTokensVerify() throws Exception {
        String secret = random(40);
        String sanctum = "42|" + secret;
        try (KeyManager keys = manager(LegacyTokenFormat.separated("|", Hashed.AFTER_SEPARATOR))) {
            keys.importKey(KeyImport.builder("pat-42", KeySpec.builder("acme", "Sanctum 42").build(), clock.instant())
                    .hash("sha256:" + sha256Hex(secret).toUpperCase(), "42").build());
            assertThat(keys.verify(sanctum).isVerified()).isTrue();
            assertThat(keys.verify("42|" + random(40)).isVerified()).isFalse();
        }
        String unkey = "uk_" + random(30);
        try (KeyManager keys = manager(LegacyTokenFormat.sha256Index())) {
            keys.importKey(KeyImport.builder("key_1", KeySpec.builder("acme", "Unkey 1").build(), clock.instant())
                    .hash("sha256:" + sha256Hex(unkey), sha256Hex(unkey)).build());
            assertThat(keys.verify(unkey).isVerified()).isTrue();
            assertThat(keys.verify("uk_" + random(30))).isEqualTo(Rejected.of(RejectionReason.UNKNOWN));
        }
    }

    @Test
    void whenTokensAreImportedInPlaintextThenTheyAreHashedWithTheManagersHasher() {
        String prefix = random(8);
        String token = prefix + "." + random(32);
        try (KeyManager keys = manager(LegacyTokenFormat.separated(".", Hashed.WHOLE_TOKEN))) {
            ImportResult r = keys.importKey(KeyImport.builder("p-1", KeySpec.builder("acme", "Plain").build(), clock.instant())
                    .plaintext(token).build());
            assertThat(real.find(r.key().orElseThrow().id()).orElseThrow().hash()).startsWith("$hmac-sha256$k=v1$");
            assertThat(real.find(r.key().orElseThrow().id()).orElseThrow().legacyLookup()).contains(prefix);
            assertThat(keys.verify(token).isVerified()).isTrue();
            assertThat(keys.importKey(KeyImport.builder("p-2", KeySpec.builder("acme", "Not a token").build(), clock.instant())
                    .plaintext("no separator here").build()).problem()).hasValueSatisfying(p -> assertThat(p).contains("format"));
            assertThat(r.toString()).doesNotContain(token);
        }
        try (KeyManager noFormat = KeyManager.builder().store(InMemoryKeyStore.create()).clock(clock).withoutPepper().build()) {
            assertThat(noFormat.importKey(KeyImport.builder("p-3", KeySpec.builder("acme", "X").build(), clock.instant())
                    .plaintext(token).build()).outcome()).isEqualTo(ImportResult.Outcome.FAILED);
        }
    }

    /** A bulk import run twice, or resumed after a crash, imports each row once; failures are reported, not half-stored. */
    @Test
    void whenABulkImportRunsAgainThenNothingIsImportedTwiceAndFailuresAreReportedWithoutChanges() {
        List<KeyImport> rows = new ArrayList<>();
        List<String> tokens = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            String prefix = random(8);
            String token = prefix + "." + random(32);
            tokens.add(token);
            rows.add(drfRow(Integer.toString(i), prefix, token));
        }
        String clashing = random(8);
        rows.add(drfRow("dup-lookup", rows.get(0).legacyLookup().orElseThrow(), clashing + ".x"));
        rows.add(KeyImport.builder("same-name", KeySpec.builder("acme", "Legacy 3").build(), clock.instant())
                .hash(bcrypt("a.b"), random(8)).build());
        try (KeyManager keys = manager(LegacyTokenFormat.separated(".", Hashed.WHOLE_TOKEN))) {
            ImportReport first = keys.importKeys(rows.subList(0, 12)); // "crashed" after 12 rows
            assertThat(first.imported()).isEqualTo(12);
            ImportReport resumed = keys.importKeys(rows);
            assertThat(resumed.imported()).isEqualTo(8);
            assertThat(resumed.alreadyImported()).isEqualTo(12);
            assertThat(resumed.failures()).extracting(ImportResult::reference).containsExactly("legacy-dup-lookup", "same-name");
            assertThat(resumed.failures()).allSatisfy(f -> assertThat(f.problem()).isPresent());
            assertThat(keys.list("acme")).hasSize(20);
            for (String t : tokens) {
                assertThat(keys.verify(t).isVerified()).isTrue();
            }
        }
        try (KeyManager noBcrypt = KeyManager.builder().store(InMemoryKeyStore.create()).clock(clock).withoutPepper()
                .legacyTokens(LegacyTokenFormat.separated(".", Hashed.WHOLE_TOKEN)).build()) {
            ImportResult r = noBcrypt.importKey(drfRow("x", random(8), random(8) + ".y"));
            assertThat(r.outcome()).isEqualTo(ImportResult.Outcome.FAILED);
            assertThat(r.problem().orElseThrow()).contains("bcrypt").contains("additionalHashers");
            assertThat(noBcrypt.list("acme")).isEmpty();
        }
        assertThatThrownBy(() -> KeyImport.builder("r", KeySpec.builder("acme", "n").build(), clock.instant())
                .hash("plain-text-not-a-hash", "l")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageNotContaining("plain-text-not-a-hash");
        assertThatThrownBy(() -> KeyImport.builder("bad ref", KeySpec.builder("acme", "n").build(), clock.instant()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    /** The migration playbook is the rotation playbook: due at once, rotated, old-token consumers seen, then revoked. */
    @Test
    void whenAnImportedKeyIsRotatedThenTheConsumersStillOnTheOldTokenShowAndCompletingRevokesIt() {
        String prefix = random(8);
        String token = prefix + "." + random(32);
        try (KeyManager keys = manager(LegacyTokenFormat.separated(".", Hashed.WHOLE_TOKEN))) {
            ApiKey old = keys.importKey(drfRow("7", prefix, token)).key().orElseThrow();

            RotationDue due = keys.rotationDue(clock.instant()).entries().stream().filter(d -> d.key().id().equals(old.id()))
                    .findFirst().orElseThrow();
            assertThat(due.reason()).contains("imported").contains("keyvault's format");
            assertThat(due.dueAt()).isEqualTo(old.importedAt().orElseThrow());
            ComplianceReport report = keys.rotation().complianceReport(Duration.ofDays(365 * 10), KeyQuery.all());
            assertThat(report.with(ComplianceReport.Issue.IMPORTED)).extracting(f -> f.key().id()).containsExactly(old.id());

            IssuedKey next = keys.rotate(old.id());
            assertThat(next.token()).startsWith(keys.keyPrefix() + "_");
            assertThat(next.key().isImported()).isFalse();
            keys.recordUsage(old.id(), UsageEvent.of(clock.instant(), "GET", "/kb", "10.0.0.5", 200, "legacy-cron/1.0"));
            keys.recordUsage(next.id(), UsageEvent.of(clock.instant(), "GET", "/kb", "10.0.0.9", 200, "new-app/2.0"));
            RotationStatus status = keys.rotation().status(old.id());
            assertThat(status.notMigrated()).extracting(RotationStatus.ClientMigration::client)
                    .containsExactly("10.0.0.5 (legacy-cron/1.0)");

            clock.advance(Duration.ofDays(2));
            assertThat(keys.rotation().forceComplete(old.id(), "migration done", "ops").outcome()).isNotNull();
            assertThat(keys.verify(token)).isEqualTo(new Rejected(RejectionReason.REVOKED, Optional.of(old.id())));
            assertThat(keys.verify(next.token()).isVerified()).isTrue();
        }
    }
}
