package dev.keyvault.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keyvault.IssuedKey;
import dev.keyvault.KeyEvent;
import dev.keyvault.KeyEventType;
import dev.keyvault.KeyHashers;
import dev.keyvault.KeyManager;
import dev.keyvault.KeySpec;
import dev.keyvault.Peppers;
import dev.keyvault.VerificationResult;
import dev.keyvault.memory.InMemoryKeyStore;
import dev.keyvault.spi.StoredKey;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;

/**
 * A key as keyvault 0.1 wrote it into a version-1 schema: the row with the columns version 1 has
 * (an Argon2id hash, OWASP parameters of 0.1's default at cheap cost), inserted with plain SQL, and
 * the checks that a database upgraded from there still serves it.
 */
final class Version1 {
    private Version1() {}

    /** Issues a key with Argon2id (0.1's default) and writes its row the way 0.1's schema holds it. */
    static IssuedKey writeKeyAs01(TestDatabase db, String prefix) {
        IssuedKey issued;
        StoredKey stored;
        InMemoryKeyStore scratch = InMemoryKeyStore.create();
        try (KeyManager v01 = KeyManager.builder().store(scratch).hasher(KeyHashers.argon2id(1024, 1, 1))
                .usageFlushInterval(Duration.ZERO).changeFeedPollInterval(Duration.ZERO).build()) {
            issued = v01.issue(KeySpec.builder("acme", "Issued by 0.1").scopes("kb:read").environment("production").build());
            stored = scratch.find(issued.id()).orElseThrow();
        }
        try (Connection c = db.dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement("INSERT INTO " + prefix + "keys (id, prefix, owner, name, scopes, tier,"
                     + " environment, tags, risk_class, created_at_ms, expires_at_ms, last_used_at_ms, status, revoked_at_ms,"
                     + " revoked_reason, revoked_by, predecessor_id, successor_id, compromised, hash)"
                     + " VALUES (?, ?, ?, ?, ?, 'default', 'production', '', NULL, ?, NULL, NULL, 'ACTIVE', NULL, NULL, NULL,"
                     + " NULL, NULL, FALSE, ?)")) {
            ps.setString(1, issued.id());
            ps.setString(2, issued.key().prefix());
            ps.setString(3, "acme");
            ps.setString(4, "Issued by 0.1");
            ps.setString(5, "kb:read");
            ps.setLong(6, issued.key().createdAt().toEpochMilli());
            ps.setString(7, stored.hash());
            ps.executeUpdate();
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
        assertThat(stored.hash()).startsWith("$argon2id$");
        return issued;
    }

    /** The upgraded store serves the key; a default manager verifies it and moves it to HMAC-SHA-256. */
    static void assertKeyStillWorks(JdbiKeyStore store, IssuedKey old) {
        assertThat(store.find(old.id()).orElseThrow().key().isImported()).isFalse();
        try (KeyManager today = KeyManager.builder().store(store).pepper(Peppers.of("v1", new byte[32]))
                .usageFlushInterval(Duration.ZERO).changeFeedPollInterval(Duration.ZERO).build()) {
            assertThat(today.verify(old.token())).isInstanceOf(VerificationResult.Verified.class);
            assertThat(store.find(old.id()).orElseThrow().hash()).startsWith("$hmac-sha256$k=v1$");
            assertThat(today.history(old.id())).extracting(KeyEvent::type).contains(KeyEventType.REHASHED);
            assertThat(today.hashingReport().keysToMove()).isZero();
        }
    }
}
