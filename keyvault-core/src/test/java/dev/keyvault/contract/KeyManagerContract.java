package dev.keyvault.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keyvault.ApiKey;
import dev.keyvault.DuplicateKeyException;
import dev.keyvault.IssuedKey;
import dev.keyvault.KeyEvent;
import dev.keyvault.KeyEventListener;
import dev.keyvault.KeyEventType;
import dev.keyvault.KeyHashers;
import dev.keyvault.KeyManager;
import dev.keyvault.KeySpec;
import dev.keyvault.KeyStateException;
import dev.keyvault.KeyStatus;
import dev.keyvault.RejectionReason;
import dev.keyvault.RevocationResult;
import dev.keyvault.RotateOptions;
import dev.keyvault.UnknownKeyException;
import dev.keyvault.UsageEvent;
import dev.keyvault.UsageRollup;
import dev.keyvault.VerificationResult.Rejected;
import dev.keyvault.VerificationResult.Verified;
import dev.keyvault.VerificationResult;
import dev.keyvault.rotation.RevokeSelector;
import dev.keyvault.rotation.RiskClass;
import dev.keyvault.rotation.RotationDue;
import dev.keyvault.spi.KeyHasher;
import dev.keyvault.spi.KeyStore;
import dev.keyvault.support.DelegatingKeyStore;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * The behaviour of {@link KeyManager} over a store: every store runs this suite unchanged, as a
 * {@code @Nested} class of its backend's test (see {@link StoreHarness}). The managers, clock and
 * cleanup are {@link ManagerFixture}'s.
 */
public abstract class KeyManagerContract extends ManagerFixture {

    protected KeyManagerContract(StoreHarness harness) {
        super(harness);
    }

    protected UsageEvent call(String endpoint, String ip, int status) {
        return UsageEvent.of(clock.instant(), "GET", endpoint, ip, status);
    }

    // ------------------------------------------------------------------------------ issue + verify

    @Test
    void whenKeyIssuedThenTokenVerifiesWithItsMetadata() {
        IssuedKey issued = keys.issue(KeySpec.builder("acme", "KB Sync Script — Production")
                .scopes("kb:read", "kb:write").tier("standard").environment("production").tags("team:sync").build());

        assertThat(issued.token()).startsWith("kv_" + issued.id() + "_").hasSize(3 + 12 + 1 + 32 + 6);
        VerificationResult result = keys.verify(issued.token());
        assertThat(result).isInstanceOf(Verified.class);
        Verified v = (Verified) result;
        assertThat(v.key().id()).isEqualTo(issued.id());
        assertThat(v.owner()).isEqualTo("acme");
        assertThat(v.scopes()).containsExactly("kb:read", "kb:write");
        assertThat(v.tier()).isEqualTo("standard");
        assertThat(v.key().name()).isEqualTo("KB Sync Script — Production");
        assertThat(v.key().tags()).containsExactly("team:sync");
        assertThat(v.key().createdAt()).isEqualTo(clock.instant());
    }

    @Test
    void whenVerifiedOnAnotherNodeThenColdPathAgreesWithHotPath() {
        IssuedKey issued = issue("Sync", "kb:read");
        KeyManager other = track(node().build());

        assertThat(other.verify(issued.token())).isInstanceOf(Verified.class); // cold: store + hash
        assertThat(other.verify(issued.token())).isInstanceOf(Verified.class); // hot: cached digest
        assertThat(keys.verify(issued.token())).isInstanceOf(Verified.class); // primed at issue
    }

    @Test
    void whenTokenIsNotWellFormedThenMalformed() {
        IssuedKey issued = issue("Sync");
        String t = issued.token();
        List<String> bad = new ArrayList<>(List.of("", " ", "kv_", t + "x", t.substring(1), t.toUpperCase(),
                "xx" + t.substring(2), t.substring(0, t.length() - 1) + (t.endsWith("A") ? "B" : "A"),
                t.replace('_', '-'), "é".repeat(t.length()), "x".repeat(10_240)));
        bad.add(null);
        for (String token : bad) {
            assertThat(keys.verify(token)).as("token %s", token == null ? "null" : token.length() + " chars")
                    .isEqualTo(Rejected.of(RejectionReason.MALFORMED));
        }
    }

    @Test
    void whenIdIsUnknownThenUnknown() {
        KeyManager elsewhere = KeyManager.inMemory(clock);
        IssuedKey foreign = elsewhere.issue(KeySpec.builder("acme", "Other").build());
        elsewhere.close();

        assertThat(keys.verify(foreign.token())).isEqualTo(Rejected.of(RejectionReason.UNKNOWN));
    }

    @Test
    void whenSecretIsWrongThenInvalidOnHotAndColdPaths() {
        IssuedKey a = issue("A");
        String forged = ForgedTokens.withRandomSecret(a.token(), a.id());
        KeyManager cold = track(node().build());

        assertThat(keys.verify(forged)).isEqualTo(Rejected.of(RejectionReason.INVALID));
        assertThat(cold.verify(forged)).isEqualTo(Rejected.of(RejectionReason.INVALID));
        assertThat(cold.verify(a.token())).isInstanceOf(Verified.class);
        assertThat(cold.verify(forged)).isEqualTo(Rejected.of(RejectionReason.INVALID));
    }

    @Test
    void whenExpiryPassesThenExpiredExactToTheMillisecondFromCacheAndStore() {
        Instant expiry = clock.instant().plus(Duration.ofDays(30));
        IssuedKey issued = keys.issue(KeySpec.builder("acme", "Short").expiresAt(expiry).build());
        KeyManager cold = track(node().build());
        assertThat(keys.verify(issued.token())).isInstanceOf(Verified.class);

        clock.set(expiry.minusMillis(1));
        assertThat(keys.verify(issued.token())).isInstanceOf(Verified.class);
        assertThat(cold.verify(issued.token())).isInstanceOf(Verified.class);

        clock.set(expiry);
        Rejected expired = new Rejected(RejectionReason.EXPIRED, Optional.of(issued.id()));
        assertThat(keys.verify(issued.token())).isEqualTo(expired);
        assertThat(cold.verify(issued.token())).isEqualTo(expired);
        assertThat(track(node().build()).verify(issued.token())).isEqualTo(expired);
    }

    @Test
    void whenExpiryIsNotInTheFutureThenIssueRefused() {
        assertThatThrownBy(() -> keys.issue(KeySpec.builder("acme", "Past").expiresAt(clock.instant()).build()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("future");
    }

    @Test
    void whenOwnerHasAnActiveKeyWithTheNameThenDuplicateUntilItIsRevoked() {
        IssuedKey first = issue("Deploy");

        assertThatThrownBy(() -> issue("Deploy")).isInstanceOf(DuplicateKeyException.class)
                .extracting(e -> ((DuplicateKeyException) e).conflict()).isEqualTo(DuplicateKeyException.Conflict.ACTIVE_NAME);
        assertThat(keys.issue(KeySpec.builder("other-owner", "Deploy").build()).key().name()).isEqualTo("Deploy");

        keys.revoke(first.id(), "retired", "alice");
        assertThat(issue("Deploy").id()).isNotEqualTo(first.id());
    }

    // ---------------------------------------------------------------------------------------- revoke

    @Test
    void whenRevokedThenRejectedRevokedNamingTheKeyAndRecordKept() {
        IssuedKey issued = issue("Sync", "kb:read");
        keys.verify(issued.token());

        RevocationResult result = keys.revoke(issued.id(), "rotated out", "alice");

        assertThat(result.outcome()).isEqualTo(RevocationResult.Outcome.REVOKED);
        assertThat(result.key()).get().extracting(ApiKey::status).isEqualTo(KeyStatus.REVOKED);
        Rejected revoked = new Rejected(RejectionReason.REVOKED, Optional.of(issued.id()));
        assertThat(keys.verify(issued.token())).isEqualTo(revoked);
        assertThat(track(node().build()).verify(issued.token())).isEqualTo(revoked);
        ApiKey stored = keys.get(issued.id()).orElseThrow();
        assertThat(stored.status()).isEqualTo(KeyStatus.REVOKED);
        assertThat(stored.revocation()).get().satisfies(r -> {
            assertThat(r.reason()).isEqualTo("rotated out");
            assertThat(r.actor()).isEqualTo("alice");
            assertThat(r.at()).isEqualTo(clock.instant());
        });
        assertThat(keys.list("acme")).extracting(ApiKey::id, ApiKey::status).containsExactly(
                org.assertj.core.groups.Tuple.tuple(issued.id(), KeyStatus.REVOKED));
    }

    @Test
    void whenPagedThenEachPageIsOneKeysetSliceInIdOrderAndTheyCoverTheOwnerOnce() {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            ids.add(issue("Paged " + i).id());
        }
        keys.issue(KeySpec.builder("globex", "Other owner's").build());
        String revoked = ids.get(3);
        keys.revoke(revoked, "gone", "alice");
        ids.sort(null);

        List<String> seen = new ArrayList<>();
        dev.keyvault.KeyQuery query = dev.keyvault.KeyQuery.all().withOwner("acme").withLimit(3);
        List<ApiKey> page;
        do {
            page = keys.page(query);
            assertThat(page).hasSizeLessThanOrEqualTo(3).allSatisfy(k -> assertThat(k.owner()).isEqualTo("acme"));
            page.forEach(k -> seen.add(k.id()));
            if (!page.isEmpty()) {
                query = query.withAfterId(page.get(page.size() - 1).id());
            }
        } while (page.size() == 3);

        assertThat(seen).containsExactlyElementsOf(ids);
        assertThat(keys.page(dev.keyvault.KeyQuery.all().withOwner("acme").withStatus(KeyStatus.REVOKED)))
                .extracting(ApiKey::id).containsExactly(revoked);
        assertThatThrownBy(() -> keys.page(null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void whenRevokedTwiceThenSecondIsNoOpKeepingTheFirstRevocation() {
        IssuedKey issued = issue("Sync");
        keys.revoke(issued.id(), "first", "alice");
        clock.advance(Duration.ofHours(1));

        RevocationResult again = keys.revoke(issued.id(), "second", "bob");

        assertThat(again.outcome()).isEqualTo(RevocationResult.Outcome.ALREADY_REVOKED);
        assertThat(again.key().orElseThrow().revocation().orElseThrow().reason()).isEqualTo("first");
        assertThat(keys.history(issued.id())).extracting(KeyEvent::type)
                .containsExactly(KeyEventType.ISSUED, KeyEventType.REVOKED);
    }

    @Test
    void whenRevokingAnUnknownIdThenNotFoundResult() {
        RevocationResult result = keys.revoke("AAAAAAAAAAAA", "cleanup", "alice");
        assertThat(result.outcome()).isEqualTo(RevocationResult.Outcome.NOT_FOUND);
        assertThat(result.key()).isEmpty();
        assertThatThrownBy(() -> keys.revoke("not-an-id", "x", "y")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void whenRevokedOnAnotherNodeThenRejectedAfterTheChangeFeedIsRead() {
        IssuedKey issued = issue("Sync");
        KeyManager nodeB = track(node().build());
        assertThat(nodeB.verify(issued.token())).isInstanceOf(Verified.class);

        keys.revoke(issued.id(), "leaked", "alice");
        nodeB.pollChangeFeed();

        assertThat(nodeB.verify(issued.token())).isEqualTo(new Rejected(RejectionReason.REVOKED, Optional.of(issued.id())));
    }

    @Test
    void whenStatusSnapshotIsOlderThanTheRefreshIntervalThenItIsReReadWithoutTheFeed() {
        IssuedKey issued = issue("Sync");
        KeyManager nodeB = track(node().statusRefreshInterval(Duration.ofSeconds(30)).build());
        assertThat(nodeB.verify(issued.token())).isInstanceOf(Verified.class);
        keys.revoke(issued.id(), "leaked", "alice");

        clock.advance(Duration.ofSeconds(29));
        assertThat(nodeB.verify(issued.token())).isInstanceOf(Verified.class); // cached, within the interval, feed not read
        clock.advance(Duration.ofSeconds(1));
        assertThat(nodeB.verify(issued.token())).isEqualTo(new Rejected(RejectionReason.REVOKED, Optional.of(issued.id())));
    }

    // ---------------------------------------------------------------------------------------- rotate

    @Test
    void whenRotatedThenSuccessorHasSameGrantsVersionedNameAndBothLinkedAndVerify() {
        IssuedKey v1 = issue("KB Sync Script", "kb:read", "kb:write");
        clock.advance(Duration.ofDays(1));

        IssuedKey v2 = keys.rotate(v1.id(), RotateOptions.defaults().withActor("alice"));
        IssuedKey v3 = keys.rotate(v2.id());

        assertThat(v2.key().name()).isEqualTo("KB Sync Script v2");
        assertThat(v3.key().name()).isEqualTo("KB Sync Script v3");
        assertThat(v2.key().owner()).isEqualTo("acme");
        assertThat(v2.key().scopes()).containsExactly("kb:read", "kb:write");
        assertThat(v2.key().tier()).isEqualTo("standard");
        assertThat(v2.key().environment()).isEqualTo("production");
        assertThat(v2.key().predecessorId()).contains(v1.id());
        assertThat(keys.get(v1.id()).orElseThrow().successorId()).contains(v2.id());
        assertThat(keys.get(v2.id()).orElseThrow().successorId()).contains(v3.id());
        assertThat(keys.verify(v1.token())).isInstanceOf(Verified.class);
        assertThat(keys.verify(v2.token())).isInstanceOf(Verified.class);
        assertThat(keys.verify(v3.token())).isInstanceOf(Verified.class);
        assertThat(keys.history(v1.id())).extracting(KeyEvent::type).containsExactly(KeyEventType.ISSUED, KeyEventType.ROTATED);
        assertThat(keys.history(v1.id()).get(1).actor()).isEqualTo("alice");
    }

    @Test
    void whenRotationMistakesAreMadeThenTheyAreRefused() {
        IssuedKey v1 = issue("Sync");
        assertThatThrownBy(() -> keys.rotate(v1.id(), RotateOptions.defaults().withSuccessorName("Sync")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("name");
        IssuedKey v2 = keys.rotate(v1.id());
        assertThatThrownBy(() -> keys.rotate(v1.id())).isInstanceOf(KeyStateException.class).hasMessageContaining(v2.id());
        keys.revoke(v1.id(), "done", "alice");
        assertThatThrownBy(() -> keys.rotate(v1.id())).isInstanceOf(KeyStateException.class).hasMessageContaining("revoked");
        assertThatThrownBy(() -> keys.rotate("AAAAAAAAAAAA")).isInstanceOf(UnknownKeyException.class);
    }

    @Test
    void whenSuccessorWasRevokedThenTheKeyCanBeRotatedAgain() {
        IssuedKey v1 = issue("Sync");
        IssuedKey failed = keys.rotate(v1.id());
        keys.revoke(failed.id(), "probe failed", "rotator");

        IssuedKey retry = keys.rotate(v1.id(), RotateOptions.defaults().withSuccessorName("Sync v2 (retry)"));

        assertThat(keys.get(v1.id()).orElseThrow().successorId()).contains(retry.id());
        assertThat(keys.verify(retry.token())).isInstanceOf(Verified.class);
    }

    @Test
    void whenOverlapDeadlineGivenThenOldKeyExpiresByItselfButNeverLaterThanItsOwnExpiry() {
        Instant ownExpiry = clock.instant().plus(Duration.ofDays(5));
        IssuedKey shortLived = keys.issue(KeySpec.builder("acme", "Short").expiresAt(ownExpiry).build());
        IssuedKey longLived = issue("Long");

        keys.rotate(longLived.id(), RotateOptions.defaults().withOverlapUntil(clock.instant().plus(Duration.ofDays(7))));
        keys.rotate(shortLived.id(), RotateOptions.defaults().withOverlapUntil(clock.instant().plus(Duration.ofDays(7))));

        assertThat(keys.get(longLived.id()).orElseThrow().expiresAt()).contains(clock.instant().plus(Duration.ofDays(7)));
        assertThat(keys.get(shortLived.id()).orElseThrow().expiresAt()).contains(ownExpiry);
        clock.advance(Duration.ofDays(7));
        assertThat(keys.verify(longLived.token())).isEqualTo(new Rejected(RejectionReason.EXPIRED, Optional.of(longLived.id())));
    }

    @Test
    void whenSuccessorOfAnExpiringKeyIsIssuedThenItGetsTheSameLifetime() {
        IssuedKey v1 = keys.issue(KeySpec.builder("acme", "Ninety").expiresAt(clock.instant().plus(Duration.ofDays(90))).build());
        clock.advance(Duration.ofDays(80));

        IssuedKey v2 = keys.rotate(v1.id());

        assertThat(v2.key().expiresAt()).contains(clock.instant().plus(Duration.ofDays(90)));
    }

    @Test
    void whenTwoNodesRotateTheSameKeyAtOnceThenExactlyOneSuccessorExists() throws Exception {
        for (int round = 0; round < 10; round++) {
            IssuedKey v1 = issue("Race " + round);
            KeyManager nodeB = track(node().build());
            CountDownLatch start = new CountDownLatch(1);
            ExecutorService pool = Executors.newFixedThreadPool(2);
            try {
                List<Future<Object>> outcomes = new ArrayList<>();
                for (KeyManager m : List.of(keys, nodeB)) {
                    outcomes.add(pool.submit(() -> {
                        start.await();
                        try {
                            return m.rotate(v1.id());
                        } catch (KeyStateException | DuplicateKeyException e) {
                            return e;
                        }
                    }));
                }
                start.countDown();
                List<Object> results = new ArrayList<>();
                for (Future<Object> f : outcomes) {
                    results.add(f.get());
                }
                assertThat(results).filteredOn(IssuedKey.class::isInstance).hasSize(1);
                List<ApiKey> successors = keys.list("acme").stream()
                        .filter(k -> k.predecessorId().equals(Optional.of(v1.id())) && k.isActive()).toList();
                assertThat(successors).hasSize(1);
                assertThat(keys.get(v1.id()).orElseThrow().successorId()).contains(successors.get(0).id());
            } finally {
                pool.shutdownNow();
            }
        }
    }

    /**
     * A revoke (an owner's off-boarding through {@code revokeAll}, say) committed between rotate's read
     * of the old key and the insert of its successor must not leave an active successor of a revoked
     * key: the link is conditional on the predecessor still being active.
     */
    @Test
    void whenARevokeCommitsBetweenRotatesReadAndItsInsertThenNoActiveSuccessorOfTheRevokedKeyExists() {
        IssuedKey v1 = issue("Offboarded");
        KeyManager offboarding = track(node().build());
        AtomicBoolean revokedInBetween = new AtomicBoolean();
        KeyStore racing = new DelegatingKeyStore(store) {
            @Override
            protected void before(String operation) {
                if (operation.equals("insertSuccessor") && revokedInBetween.compareAndSet(false, true)) {
                    offboarding.rotation().revokeAll(RevokeSelector.owner("acme"), "owner off-boarded", "hr", false);
                }
            }
        };
        KeyManager rotator = track(node(racing).build());

        assertThatThrownBy(() -> rotator.rotate(v1.id()))
                .isInstanceOf(KeyStateException.class)
                .hasMessageContaining("revoked");

        assertThat(revokedInBetween).isTrue();
        ApiKey old = keys.get(v1.id()).orElseThrow();
        assertThat(old.status()).isEqualTo(KeyStatus.REVOKED);
        assertThat(old.successorId()).isEmpty();
        assertThat(keys.list("acme")).filteredOn(k -> k.predecessorId().equals(Optional.of(v1.id()))).isEmpty();
        keys.pollChangeFeed(); // the revoke happened on another node
        assertThat(keys.verify(v1.token())).isEqualTo(new Rejected(RejectionReason.REVOKED, Optional.of(v1.id())));
    }

    /** The emergency path revokes first by design, and still gets its successor. */
    @Test
    void whenAKeyIsRevokedThenOnlyTheEmergencyPathGivesItASuccessor() {
        IssuedKey v1 = issue("Leaked");
        keys.revoke(v1.id(), "leaked", "alice");

        assertThatThrownBy(() -> keys.rotate(v1.id())).isInstanceOf(KeyStateException.class);
        assertThat(keys.rotation().emergencyRotate(v1.id(), "leaked", "alice").successor()).isPresent();
    }

    // ------------------------------------------------------------------------------------- prefix

    /**
     * Test/live separation by prefix: a {@code kb_test} key re-prefixed {@code kb_live} with a correct
     * checksum is not a live key, even on a store both environments share.
     */
    @Test
    void whenAKeyOfOnePrefixIsPresentedWithAnotherThenItIsUnknownThere() {
        KeyManager test = track(node().keyPrefix("kb_test").build());
        KeyManager live = track(node().keyPrefix("kb_live").build());
        IssuedKey issued = test.issue(KeySpec.builder("acme", "Staging job").scopes("kb:write").build());
        String token = issued.token();
        String relabelled = ForgedTokens.checksummed("kb_live" + token.substring("kb_test".length(), token.length() - 6));

        assertThat(live.verify(relabelled)).isEqualTo(new Rejected(RejectionReason.UNKNOWN, Optional.empty()));
        assertThat(test.verify(token)).isInstanceOf(Verified.class);
        assertThat(live.verify(relabelled)).as("also once the key is hot on another manager")
                .isEqualTo(new Rejected(RejectionReason.UNKNOWN, Optional.empty()));
    }

    @Test
    void whenAManagerOfAnotherPrefixRotatesAKeyThenTheSuccessorKeepsItsPredecessorsPrefix() {
        KeyManager test = track(node().keyPrefix("kb_test").build());
        KeyManager live = track(node().keyPrefix("kb_live").build());
        IssuedKey v1 = test.issue(KeySpec.builder("acme", "Staging job").scopes("kb:write").build());

        IssuedKey v2 = live.rotate(v1.id());

        assertThat(v2.key().prefix()).isEqualTo("kb_test");
        assertThat(v2.token()).startsWith("kb_test_" + v2.id() + "_");
        assertThat(live.get(v2.id()).orElseThrow().prefix()).isEqualTo("kb_test");
        assertThat(test.verify(v2.token())).isInstanceOf(Verified.class);
        assertThat(live.verify(v2.token()).isVerified()).isFalse();
        IssuedKey v3 = live.rotation().emergencyRotate(v2.id(), "leaked", "alice").successor().orElseThrow();
        assertThat(v3.token()).startsWith("kb_test_");
    }

    // ------------------------------------------------------------------------------- imports, hashes

    /**
     * keyvault 0.1 hashed with Argon2id: on every store, a manager with today's default hasher reads
     * those keys and moves them to HMAC-SHA-256 on their next successful verify.
     */
    @Test
    void whenKeysWereHashedWithArgon2idThenADefaultManagerVerifiesThemAndMovesThemToHmac() {
        KeyManager v01 = track(KeyManager.builder().store(store).clock(clock).hasher(KeyHashers.argon2id(1024, 1, 1))
                .usageFlushInterval(Duration.ZERO).changeFeedPollInterval(Duration.ZERO).build());
        IssuedKey old = v01.issue(KeySpec.builder("acme", "From 0.1").build());
        KeyManager today = track(KeyManager.builder().store(store).clock(clock)
                .pepper(dev.keyvault.Peppers.of("v1", PEPPER)).usageFlushInterval(Duration.ZERO)
                .changeFeedPollInterval(Duration.ZERO).build());
        assertThat(today.hashingReport().schemes()).singleElement().satisfies(s -> assertThat(s.scheme()).startsWith("argon2id"));

        assertThat(today.verify(old.token())).isInstanceOf(Verified.class);

        assertThat(today.hashingReport().current()).isEqualTo("hmac-sha256 k=v1");
        assertThat(today.hashingReport().keysToMove()).isZero();
        assertThat(today.history(old.id())).extracting(KeyEvent::type).containsExactly(KeyEventType.ISSUED, KeyEventType.REHASHED);
        KeyManager restarted = track(KeyManager.builder().store(store).clock(clock)
                .pepper(dev.keyvault.Peppers.of("v1", PEPPER)).additionalHashers().usageFlushInterval(Duration.ZERO)
                .changeFeedPollInterval(Duration.ZERO).build());
        assertThat(restarted.verify(old.token())).as("no Argon2 reader needed any more").isInstanceOf(Verified.class);
    }

    /** On every store: imported keys, found by their old tokens, imported once however often the import runs. */
    @Test
    void whenKeysAreImportedThenTheirOldTokensVerifyAndTheImportIsIdempotent() throws Exception {
        KeyManager legacy = track(node().additionalHashers(KeyHashers.unsaltedSha256())
                .legacyTokens(dev.keyvault.LegacyTokenFormat.separated("|", dev.keyvault.LegacyTokenFormat.Hashed.AFTER_SEPARATOR))
                .build());
        String secret = "0123456789abcdefghijABCDEFGHIJklmnopqrst";
        String hex = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                .digest(secret.getBytes(StandardCharsets.US_ASCII)));
        dev.keyvault.KeyImport row = dev.keyvault.KeyImport.builder("tokens/42",
                KeySpec.builder("acme", "Old integration").scopes("kb:read").build(), clock.instant().minus(Duration.ofDays(400)))
                .hash("sha256:" + hex, "42").build();

        dev.keyvault.ImportReport first = legacy.importKeys(List.of(row));
        dev.keyvault.ImportReport again = legacy.importKeys(List.of(row));

        assertThat(first.imported()).isEqualTo(1);
        assertThat(again.alreadyImported()).isEqualTo(1);
        assertThat(legacy.list("acme")).singleElement().satisfies(k -> assertThat(k.isImported()).isTrue());
        assertThat(legacy.verify("42|" + secret)).isInstanceOf(Verified.class);
        assertThat(legacy.verify("42|" + secret.toUpperCase())).isEqualTo(Rejected.of(RejectionReason.INVALID));
        assertThat(legacy.verify("43|" + secret)).isEqualTo(Rejected.of(RejectionReason.UNKNOWN));
        KeyManager otherNode = track(node().legacyTokens(
                dev.keyvault.LegacyTokenFormat.separated("|", dev.keyvault.LegacyTokenFormat.Hashed.AFTER_SEPARATOR)).build());
        assertThat(otherNode.verify("42|" + secret)).as("rehashed with the manager's hasher on the first verify")
                .isInstanceOf(Verified.class);
    }

    // ---------------------------------------------------------------------------------------- usage

    @Test
    void whenUsageRecordedAndFlushedThenLastUsedAtAndRollupsAreStored() {
        IssuedKey issued = issue("Sync");
        Instant t0 = clock.instant();
        keys.recordUsage(issued.id(), call("/articles/**", "10.0.0.1", 200).withUserAgent("sync/1.0"));
        clock.advance(Duration.ofSeconds(10));
        keys.recordUsage(issued.id(), call("/articles/**", "10.0.0.1", 200).withUserAgent("sync/1.0"));
        keys.recordUsage(issued.id(), call("/articles/**", "10.0.0.2", 403));
        assertThat(keys.get(issued.id()).orElseThrow().lastUsedAt()).isEmpty();

        assertThat(keys.flush()).isEqualTo(3);

        assertThat(keys.get(issued.id()).orElseThrow().lastUsedAt()).contains(clock.instant());
        List<UsageRollup> rollups = keys.usage(issued.id(), t0, t0.plus(Duration.ofHours(1)));
        assertThat(rollups).extracting(UsageRollup::clientIp, UsageRollup::status, UsageRollup::count).containsExactlyInAnyOrder(
                org.assertj.core.groups.Tuple.tuple("10.0.0.1", 200, 2L),
                org.assertj.core.groups.Tuple.tuple("10.0.0.2", 403, 1L));
        UsageRollup ok = rollups.stream().filter(r -> r.status() == 200).findFirst().orElseThrow();
        assertThat(ok.firstSeen()).isEqualTo(t0);
        assertThat(ok.lastSeen()).isEqualTo(t0.plusSeconds(10));
        assertThat(ok.userAgent()).isEqualTo("sync/1.0");
        assertThat(ok.minute()).isEqualTo(UsageRollup.minuteOf(t0));
    }

    @Test
    void whenUsageArrivesOutOfOrderThenLastUsedAtOnlyMovesForward() {
        IssuedKey issued = issue("Sync");
        Instant late = clock.instant().plus(Duration.ofMinutes(5));
        keys.recordUsage(issued.id(), UsageEvent.of(late, "GET", "/a", "10.0.0.1", 200));
        keys.flush();
        keys.recordUsage(issued.id(), UsageEvent.of(clock.instant(), "GET", "/a", "10.0.0.1", 200));
        keys.flush();

        assertThat(keys.get(issued.id()).orElseThrow().lastUsedAt()).contains(late);
    }

    @Test
    void whenTwoNodesFlushTheSameRollupThenCountsAdd() {
        IssuedKey issued = issue("Sync");
        KeyManager nodeB = track(node().build());
        for (int i = 0; i < 3; i++) {
            keys.recordUsage(issued.id(), call("/a", "10.0.0.1", 200));
            nodeB.recordUsage(issued.id(), call("/a", "10.0.0.1", 200));
        }
        keys.flush();
        nodeB.flush();

        assertThat(keys.usage(issued.id(), clock.instant().minusSeconds(60), clock.instant().plusSeconds(60)))
                .singleElement().extracting(UsageRollup::count).isEqualTo(6L);
    }

    @Test
    void whenRevokedKeyIsUsedThenUsageIsRecordedAndTheListenerHears() {
        List<String> heard = new CopyOnWriteArrayList<>();
        KeyManager node = track(node().listener(new KeyEventListener() {
            @Override
            public void onUsedAfterRevoke(String keyId, UsageEvent event) {
                heard.add(keyId + " " + event.clientIp());
            }
        }).build());
        IssuedKey issued = node.issue(KeySpec.builder("acme", "Missed").build());
        node.revoke(issued.id(), "rotation complete", "alice");
        clock.advance(Duration.ofMinutes(1));

        VerificationResult result = node.verify(issued.token());
        node.recordUsage(result.keyId().orElseThrow(), call("/articles/**", "192.0.2.7", 401));
        node.flush();

        assertThat(heard).containsExactly(issued.id() + " 192.0.2.7");
        assertThat(node.usage(issued.id(), clock.instant().minusSeconds(60), clock.instant().plusSeconds(60)))
                .singleElement().satisfies(r -> {
                    assertThat(r.status()).isEqualTo(401);
                    assertThat(r.clientIp()).isEqualTo("192.0.2.7");
                });
        assertThat(node.get(issued.id()).orElseThrow().lastUsedAt()).contains(clock.instant());
    }

    @Test
    void whenManagerClosesThenBufferedUsageIsWrittenAndFurtherUseIsRefused() {
        IssuedKey issued = issue("Sync");
        KeyManager node = node().build();
        node.recordUsage(issued.id(), call("/a", "10.0.0.1", 200));

        node.close();
        node.close();

        assertThat(keys.get(issued.id()).orElseThrow().lastUsedAt()).contains(clock.instant());
        assertThatThrownBy(() -> node.verify(issued.token())).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> node.recordUsage(issued.id(), call("/a", "10.0.0.1", 200))).isInstanceOf(IllegalStateException.class);
    }

    // ------------------------------------------------------------------------------ rotation policy

    @Test
    void whenKeysAgeThenRotationDueFollowsTheCadenceOfTheirRiskClass() {
        IssuedKey read = issue("Reader", "kb:read");
        IssuedKey write = issue("Writer", "kb:read", "kb:write");
        IssuedKey broad = issue("Broad", "kb:*");
        IssuedKey full = issue("Full", "*");
        IssuedKey explicit = keys.issue(KeySpec.builder("acme", "Pinned").scopes("kb:read").riskClass(RiskClass.BROAD).build());
        IssuedKey revoked = issue("Gone", "*");
        keys.revoke(revoked.id(), "unused", "alice");
        Instant t0 = clock.instant();

        assertThat(keys.rotationDue(t0).entries()).isEmpty();
        assertThat(keys.rotationDue(t0.plus(Duration.ofDays(76))).entries()).extracting(d -> d.key().id(), RotationDue::urgency)
                .containsExactlyInAnyOrder(
                        org.assertj.core.groups.Tuple.tuple(broad.id(), RotationDue.Urgency.UPCOMING),
                        org.assertj.core.groups.Tuple.tuple(full.id(), RotationDue.Urgency.UPCOMING),
                        org.assertj.core.groups.Tuple.tuple(explicit.id(), RotationDue.Urgency.UPCOMING));
        List<RotationDue> at180 = keys.rotationDue(t0.plus(Duration.ofDays(180))).entries();
        assertThat(at180).extracting(d -> d.key().id(), RotationDue::riskClass, RotationDue::urgency).containsExactlyInAnyOrder(
                org.assertj.core.groups.Tuple.tuple(broad.id(), RiskClass.BROAD, RotationDue.Urgency.OVERDUE),
                org.assertj.core.groups.Tuple.tuple(full.id(), RiskClass.FULL_ACCESS, RotationDue.Urgency.OVERDUE),
                org.assertj.core.groups.Tuple.tuple(explicit.id(), RiskClass.BROAD, RotationDue.Urgency.OVERDUE),
                org.assertj.core.groups.Tuple.tuple(write.id(), RiskClass.WRITE, RotationDue.Urgency.DUE));
        assertThat(at180).extracting(RotationDue::dueAt).isSorted();
        assertThat(at180.get(3).key().id()).isEqualTo(write.id());
        assertThat(at180.get(3).dueAt()).isEqualTo(t0.plus(Duration.ofDays(180)));
        assertThat(at180.get(3).reason()).contains("WRITE").contains("180 days");
        assertThat(keys.rotationDue(t0.plus(Duration.ofDays(366))).entries()).extracting(d -> d.key().id()).contains(read.id())
                .doesNotContain(revoked.id());
    }

    @Test
    void whenRotatedThenTheSuccessorsClockStartsAgain() {
        IssuedKey v1 = issue("Writer", "kb:write");
        clock.advance(Duration.ofDays(170));
        IssuedKey v2 = keys.rotate(v1.id());
        keys.revoke(v1.id(), "rotated", "alice");

        assertThat(keys.rotationDue(clock.instant().plus(Duration.ofDays(20))).entries()).isEmpty();
        assertThat(keys.rotationDue(clock.instant().plus(Duration.ofDays(170))).entries()).extracting(d -> d.key().id()).containsExactly(v2.id());
    }

    // ----------------------------------------------------------------------------------- hashing

    @Test
    void whenHashingPolicyChangedThenKeyIsRehashedOnItsNextSuccessfulVerify() {
        KeyHasher oldPepper = KeyHashers.hmacSha256("old-pepper-0123456789abcdef-0000!".getBytes(StandardCharsets.US_ASCII), "p1");
        KeyManager before = track(KeyManager.builder().store(store).clock(clock).hasher(oldPepper)
                .usageFlushInterval(Duration.ZERO).changeFeedPollInterval(Duration.ZERO).build());
        IssuedKey issued = before.issue(KeySpec.builder("acme", "Legacy").build());
        KeyManager after = track(node().additionalHashers(oldPepper).build());
        KeyManager strict = track(node().build());

        assertThat(strict.verify(issued.token())).isEqualTo(Rejected.of(RejectionReason.INVALID));
        assertThat(after.verify(issued.token())).isInstanceOf(Verified.class);

        assertThat(track(node().build()).verify(issued.token())).isInstanceOf(Verified.class);
        assertThat(keys.history(issued.id())).extracting(KeyEvent::type).containsExactly(KeyEventType.ISSUED, KeyEventType.REHASHED);
    }

    // ------------------------------------------------------------------------------------ queries

    @Test
    void whenListingAnOwnerThenRevokedKeysAreIncludedAndMarkedOldestFirst() {
        IssuedKey a = issue("A");
        clock.advance(Duration.ofMinutes(1));
        IssuedKey b = issue("B");
        keys.issue(KeySpec.builder("someone-else", "C").build());
        keys.revoke(a.id(), "unused", "alice");

        assertThat(keys.list("acme")).extracting(ApiKey::id, ApiKey::status).containsExactly(
                org.assertj.core.groups.Tuple.tuple(a.id(), KeyStatus.REVOKED),
                org.assertj.core.groups.Tuple.tuple(b.id(), KeyStatus.ACTIVE));
        assertThat(keys.get("AAAAAAAAAAAA")).isEmpty();
    }
}
