package dev.keyvault.contract;

import static dev.keyvault.contract.StoreValues.T0;
import static dev.keyvault.contract.StoreValues.issued;
import static dev.keyvault.contract.StoreValues.minimalKey;
import static dev.keyvault.contract.StoreValues.newId;
import static dev.keyvault.contract.StoreValues.stored;
import static java.util.Objects.requireNonNull;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.keyvault.ApiKey;
import dev.keyvault.DuplicateKeyException.Conflict;
import dev.keyvault.DuplicateKeyException;
import dev.keyvault.KeyEvent;
import dev.keyvault.KeyEventType;
import dev.keyvault.KeyQuery;
import dev.keyvault.KeyStatus;
import dev.keyvault.Revocation;
import dev.keyvault.UsageRollup;
import dev.keyvault.rotation.RiskClass;
import dev.keyvault.spi.ChangePage;
import dev.keyvault.spi.KeyChange;
import dev.keyvault.spi.KeyStore;
import dev.keyvault.spi.PredecessorCondition;
import dev.keyvault.spi.RevokeOutcome;
import dev.keyvault.spi.StoredKey;
import dev.keyvault.spi.UsageBatch;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The executable form of the {@link KeyStore} contract: every store runs this suite unchanged, as a
 * {@code @Nested} class of its backend's test, which gives it a fresh, empty store for each test
 * (see {@link StoreHarness}). What a store may legitimately not support is declared by the harness;
 * the tests then check what such a store must do instead (nothing is skipped).
 * Times are whole milliseconds (what {@code KeyManager} produces) and must come back exactly.
 */
public abstract class KeyStoreContract {
    /** The minute containing {@link StoreValues#T0}. */
    protected static final Instant MINUTE = UsageRollup.minuteOf(T0);
    private static final int THREADS = 8;

    /**
     * Strings that break naive SQL, LIKE patterns, array literals, JSON or terminals: quotes, statement
     * separators, wildcards, escapes, emoji (surrogate pairs), combining marks, CJK, right-to-left
     * script, the literal word NULL and array-literal syntax. All are valid text for core's checks.
     */
    protected static final List<String> HOSTILE = List.of(
            "O'Brien \"quoted\" `tick`",
            "'); DROP TABLE keys; --",
            "Robert'); DELETE FROM usage WHERE ('1'='1",
            "100% of _all_ keys",
            "back\\slash \\\\ and \\'",
            "emoji 🔑🗝️ 👩‍💻 flags 🇩🇪",
            "e\u0301 combining vs \u00e9 composed",
            "日本語のキー名 ключ מפתח مفتاح",
            "NULL",
            "{a,\"b\"} [1] <x/> $1 ?",
            "tab-free semi;colon;",
            "q".repeat(198) + "🔑");

    private final StoreHarness harness;
    protected KeyStore store;

    protected KeyStoreContract(StoreHarness harness) {
        this.harness = requireNonNull(harness, "harness");
    }

    @BeforeEach
    void openStore() {
        store = harness.open();
    }

    @AfterEach
    void releaseStore() throws Exception {
        if (store != null) {
            harness.release(store);
        }
    }

    // ================================================================================= fixtures

    // T0, newId(), minimalKey(), stored() and issued() are StoreValues', imported statically.

    /** An active key with every optional field set and non-default values everywhere. */
    protected static ApiKey fullKey(String id, String owner, String name) {
        return new ApiKey(id, "kb_live", owner, name, Set.of("kb:read", "kb:write", "admin:*"), "gold-2", "production",
                Set.of("team:sync", "cost_center=42", "a.b/c@d-e"), Optional.of(RiskClass.BROAD), T0.minusMillis(1),
                Optional.of(T0.plus(Duration.ofDays(90)).plusMillis(7)), Optional.of(T0.plusMillis(999)), KeyStatus.ACTIVE,
                Optional.empty(), Optional.of(newId()), Optional.of(newId()), true);
    }

    protected static ApiKey withExpiry(ApiKey k, Optional<Instant> expiresAt) {
        return new ApiKey(k.id(), k.prefix(), k.owner(), k.name(), k.scopes(), k.tier(), k.environment(), k.tags(),
                k.riskClass(), k.createdAt(), expiresAt, k.lastUsedAt(), k.status(), k.revocation(), k.predecessorId(),
                k.successorId(), k.compromised());
    }

    protected static ApiKey withEnvironmentAndTags(ApiKey k, String environment, Set<String> tags) {
        return new ApiKey(k.id(), k.prefix(), k.owner(), k.name(), k.scopes(), k.tier(), environment, tags, k.riskClass(),
                k.createdAt(), k.expiresAt(), k.lastUsedAt(), k.status(), k.revocation(), k.predecessorId(),
                k.successorId(), k.compromised());
    }

    protected static ApiKey successorOf(String predecessorId, String id, String owner, String name) {
        return new ApiKey(id, "kv", owner, name, Set.of("kb:read"), "default", "default", Set.of(), Optional.empty(),
                T0.plusSeconds(60), Optional.empty(), Optional.empty(), KeyStatus.ACTIVE, Optional.empty(),
                Optional.of(predecessorId), Optional.empty(), false);
    }

    protected static KeyEvent event(String keyId, KeyEventType type, Instant at) {
        return new KeyEvent(keyId, type, at, "alice", type.name().toLowerCase() + " by the contract");
    }

    /** Inserts a minimal key of {@code owner} called {@code name} and returns it as stored. */
    protected StoredKey insert(String owner, String name) {
        StoredKey s = stored(minimalKey(newId(), owner, name));
        store.insert(s, issued(s.key()));
        return s;
    }

    protected StoredKey insert(ApiKey key) {
        StoredKey s = stored(key);
        store.insert(s, issued(key));
        return s;
    }

    protected StoredKey found(String id) {
        return store.find(id).orElseThrow(() -> new AssertionError("key " + id + " is missing"));
    }

    protected static UsageRollup rollup(String keyId, Instant minute, String endpoint, long count, Instant first, Instant last) {
        return new UsageRollup(keyId, minute, "GET", endpoint, "203.0.113.7", "curl/8.5", "", 200, count, first, last);
    }

    protected static UsageBatch batch(List<UsageRollup> rollups, Map<String, Instant> lastUsed) {
        return new UsageBatch(rollups, lastUsed);
    }

    protected List<KeyChange> allChanges() {
        return store.changesSince(0, 100_000).changes();
    }

    private static <T> List<T> race(int threads, Callable<T> task) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CyclicBarrier start = new CyclicBarrier(threads);
            List<Future<T>> futures = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                futures.add(pool.submit(() -> {
                    start.await(30, TimeUnit.SECONDS);
                    return task.call();
                }));
            }
            List<T> out = new ArrayList<>();
            for (Future<T> f : futures) {
                out.add(f.get(60, TimeUnit.SECONDS));
            }
            return out;
        } finally {
            pool.shutdownNow();
        }
    }

    // ============================================================================== round trip

    @Test
    void whenFullKeyInsertedThenFindReturnsEveryFieldExactly() {
        ApiKey key = fullKey(newId(), "acme", "CI deploy");
        StoredKey s = stored(key);
        store.insert(s, issued(key));

        StoredKey back = found(key.id());
        assertThat(back.key()).isEqualTo(key);
        assertThat(back.hash()).isEqualTo(s.hash());
        assertThat(back.key().createdAt()).isEqualTo(T0.minusMillis(1));
        assertThat(back.key().expiresAt()).contains(T0.plus(Duration.ofDays(90)).plusMillis(7));
        assertThat(back.key().lastUsedAt()).contains(T0.plusMillis(999));
        assertThat(back.key().scopes()).containsExactly("admin:*", "kb:read", "kb:write");
        assertThat(back.key().tags()).containsExactlyInAnyOrder("team:sync", "cost_center=42", "a.b/c@d-e");
        assertThat(back.key().riskClass()).contains(RiskClass.BROAD);
        assertThat(back.key().compromised()).isTrue();
    }

    @Test
    void whenMinimalKeyInsertedThenFindReturnsEmptyOptionalsAndSets() {
        ApiKey key = minimalKey(newId(), "acme", "bare");
        StoredKey s = insert(key);

        StoredKey back = found(key.id());
        assertThat(back.key()).isEqualTo(key);
        assertThat(back.hash()).isEqualTo(s.hash());
        assertThat(back.key().scopes()).isEmpty();
        assertThat(back.key().tags()).isEmpty();
        assertThat(back.key().riskClass()).isEmpty();
        assertThat(back.key().expiresAt()).isEmpty();
        assertThat(back.key().lastUsedAt()).isEmpty();
        assertThat(back.key().revocation()).isEmpty();
        assertThat(back.key().predecessorId()).isEmpty();
        assertThat(back.key().successorId()).isEmpty();
        assertThat(back.key().compromised()).isFalse();
    }

    @Test
    void whenInstantsLieAtTheEdgesOfTheCalendarThenTheyRoundTripToTheMillisecond() {
        List<Instant> edges = List.of(Instant.EPOCH, Instant.parse("1969-12-31T23:59:59.999Z"),
                Instant.parse("1900-01-01T00:00:00.001Z"), Instant.parse("9999-12-31T23:59:59.999Z"));
        for (Instant t : edges) {
            ApiKey k = minimalKey(newId(), "edges", "at " + t);
            ApiKey key = new ApiKey(k.id(), k.prefix(), k.owner(), k.name(), k.scopes(), k.tier(), k.environment(),
                    k.tags(), k.riskClass(), t, Optional.of(t), Optional.of(t), KeyStatus.ACTIVE, Optional.empty(),
                    Optional.empty(), Optional.empty(), false);
            store.insert(stored(key), new KeyEvent(key.id(), KeyEventType.ISSUED, t, "system", ""));
            assertThat(found(key.id()).key()).isEqualTo(key);
            assertThat(store.history(key.id())).extracting(KeyEvent::at).containsExactly(t);
        }
    }

    @Test
    void whenKeyIsUnknownThenFindIsEmpty() {
        insert("acme", "other");
        assertThat(store.find(newId())).isEmpty();
    }

    @Test
    void whenKeyIdIsNullThenNullPointer() {
        assertThatThrownBy(() -> store.find(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> store.history(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> store.usage(null, T0, T0.plusSeconds(60))).isInstanceOf(NullPointerException.class);
    }

    /**
     * Core checks key ids before it calls a store, so a store need not check them again; but a string
     * that is not a key id must still be harmless wherever a key id is taken: it names no key, changes
     * nothing, and is no database error (PostgreSQL, for one, refuses the NUL character in text).
     */
    @Test
    void whenAKeyIdIsNoKeyIdThenEveryMethodTakingOneFindsNothingAndChangesNothing() {
        StoredKey existing = insert("acme", "k");
        store.applyUsage(batch(List.of(rollup(existing.id(), MINUTE, "/", 1, T0, T0)), Map.of()));
        long sequence = store.latestSequence();
        String id = existing.id();
        List<String> hostile = List.of("", " ", "NULL", "x'; DROP TABLE keys; --", "' OR '1'='1", "%", "%".repeat(12),
                "_".repeat(12), "*".repeat(12), id + "'", id + " ", " " + id, id + "%", id.substring(1), id.substring(0, 11) + "%",
                id.substring(0, 11) + "_", id.substring(0, 11) + "\u0000", id.substring(0, 11) + "\u00e9", "\uD800".repeat(12),
                "🔑".repeat(6), "x".repeat(10_000));
        KeyEvent note = event(id, KeyEventType.NOTE, T0);
        record Probe(String method, Function<String, Object> call, Object nothing) {}
        List<Probe> probes = List.of(
                new Probe("find", k -> store.find(k), Optional.empty()),
                new Probe("history", k -> store.history(k), List.of()),
                new Probe("usage", k -> store.usage(k, MINUTE, MINUTE.plusSeconds(60)), List.of()),
                new Probe("revoke", k -> store.revoke(k, new Revocation(T0, "r", "a"), true, List.of(note)), RevokeOutcome.NOT_FOUND),
                new Probe("markCompromised", k -> store.markCompromised(k, note), false),
                new Probe("shortenExpiry", k -> store.shortenExpiry(k, T0, note), false),
                new Probe("replaceHash", k -> store.replaceHash(k, existing.hash(), "$test$v=2$x", note), false));

        for (String k : hostile) {
            for (Probe p : probes) {
                String call = p.method() + "(" + printable(k) + ")";
                if (harness.refusesMalformedKeyIds()) {
                    assertThatThrownBy(() -> p.call().apply(k)).as(call).isInstanceOf(IllegalArgumentException.class);
                    continue;
                }
                Object[] result = new Object[1];
                assertThatCode(() -> result[0] = p.call().apply(k)).as(call).doesNotThrowAnyException();
                assertThat(result[0]).as(call).isEqualTo(p.nothing());
            }
        }
        assertThat(store.latestSequence()).isEqualTo(sequence);
        assertThat(found(id)).isEqualTo(existing);
        assertThat(store.history(id)).hasSize(1);
        assertThat(store.usage(id, MINUTE, MINUTE.plusSeconds(60))).hasSize(1);
    }

    @Test
    void whenInsertingARevokedKeyThenIllegalArgumentAndNothingStored() {
        ApiKey revoked = minimalKey(newId(), "acme", "dead").withRevocation(new Revocation(T0, "r", "a"), false);
        assertThatThrownBy(() -> store.insert(stored(revoked), issued(revoked))).isInstanceOf(IllegalArgumentException.class);
        assertThat(store.find(revoked.id())).isEmpty();
        assertThat(store.latestSequence()).isZero();
    }

    @Test
    void whenInsertedThenTheIssuedEventIsInHistoryAndFeed() {
        ApiKey key = minimalKey(newId(), "acme", "k");
        KeyEvent e = new KeyEvent(key.id(), KeyEventType.ISSUED, T0.plusMillis(5), "bob", "first issue");
        store.insert(stored(key), e);

        assertThat(store.history(key.id())).containsExactly(e);
        List<KeyChange> feed = allChanges();
        assertThat(feed).hasSize(1);
        assertThat(feed.get(0).keyId()).isEqualTo(key.id());
        assertThat(feed.get(0).type()).isEqualTo(KeyEventType.ISSUED);
        assertThat(feed.get(0).at()).isEqualTo(T0.plusMillis(5));
        assertThat(store.latestSequence()).isEqualTo(feed.get(0).sequence());
    }

    // ============================================================================== duplicates

    @Test
    void whenIdExistsThenDuplicateKeyIdAndNothingChanges() {
        StoredKey first = insert("acme", "one");
        long seq = store.latestSequence();
        ApiKey clash = minimalKey(first.id(), "globex", "two");

        Throwable thrown = catchThrowable(() -> store.insert(stored(clash), issued(clash)));
        assertThat(thrown).isInstanceOf(DuplicateKeyException.class);
        assertThat(((DuplicateKeyException) thrown).conflict()).isEqualTo(Conflict.KEY_ID);
        assertThat(found(first.id())).isEqualTo(first);
        assertThat(store.history(first.id())).hasSize(1);
        assertThat(store.latestSequence()).isEqualTo(seq);
    }

    @Test
    void whenOwnerHasAnActiveKeyWithTheSameNameThenDuplicateActiveNameAndNothingChanges() {
        insert("acme", "Deploy");
        long seq = store.latestSequence();
        ApiKey clash = minimalKey(newId(), "acme", "Deploy");

        Throwable thrown = catchThrowable(() -> store.insert(stored(clash), issued(clash)));
        assertThat(thrown).isInstanceOf(DuplicateKeyException.class);
        assertThat(((DuplicateKeyException) thrown).conflict()).isEqualTo(Conflict.ACTIVE_NAME);
        assertThat(thrown.getMessage()).doesNotContain("Deploy");
        assertThat(store.find(clash.id())).isEmpty();
        assertThat(store.history(clash.id())).isEmpty();
        assertThat(store.latestSequence()).isEqualTo(seq);
    }

    @Test
    void whenAnotherOwnerUsesTheSameNameThenAllowed() {
        insert("acme", "Deploy");
        StoredKey other = insert("globex", "Deploy");
        assertThat(found(other.id()).key().name()).isEqualTo("Deploy");
    }

    @Test
    void whenNamesDifferOnlyInCaseOrUnicodeNormalizationThenBothAllowed() {
        insert("acme", "deploy");
        insert("acme", "Deploy");
        insert("acme", "caf\u00e9");
        insert("acme", "cafe\u0301");
        assertThat(store.list(KeyQuery.all().withOwner("acme"))).hasSize(4);
    }

    @Test
    void whenTheNamedKeyWasRevokedThenTheNameIsFreeAgain() {
        StoredKey old = insert("acme", "Deploy");
        store.revoke(old.id(), new Revocation(T0, "rotated", "alice"), false,
                List.of(event(old.id(), KeyEventType.REVOKED, T0)));
        StoredKey again = insert("acme", "Deploy");
        StoredKey third = stored(minimalKey(newId(), "acme", "Deploy"));

        assertThat(found(again.id()).key().isActive()).isTrue();
        Throwable thrown = catchThrowable(() -> store.insert(third, issued(third.key())));
        assertThat(((DuplicateKeyException) thrown).conflict()).isEqualTo(Conflict.ACTIVE_NAME);
    }

    @Test
    void whenManyThreadsInsertTheSameActiveNameAtOnceThenExactlyOneSucceeds() throws Exception {
        List<Object> results = race(THREADS, () -> {
            StoredKey s = stored(minimalKey(newId(), "race", "same name"));
            try {
                store.insert(s, issued(s.key()));
                return s.id();
            } catch (DuplicateKeyException e) {
                return e.conflict();
            }
        });
        assertThat(results.stream().filter(String.class::isInstance)).hasSize(1);
        assertThat(results.stream().filter(r -> r == Conflict.ACTIVE_NAME)).hasSize(THREADS - 1);
        assertThat(store.list(KeyQuery.all().withOwner("race"))).hasSize(1);
        assertThat(allChanges()).hasSize(1);
    }

    // ========================================================================== imported keys

    /** An imported key: its import time, legacy lookup and import reference round-trip, and the lookup finds it. */
    @Test
    void whenAnImportedKeyIsStoredThenItsLookupAndReferenceRoundTripAndTheLookupFindsIt() {
        ApiKey key = minimalKey(newId(), "acme", "Imported").toBuilder().importedAt(Optional.of(T0.plusMillis(3))).build();
        StoredKey s = new StoredKey(key, "$2b$10$" + "a".repeat(53), Optional.of("Ab12Cd34"), Optional.of("api_keys/17"));
        store.insert(s, event(key.id(), KeyEventType.IMPORTED, T0));

        assertThat(found(key.id())).isEqualTo(s);
        assertThat(found(key.id()).key().importedAt()).contains(T0.plusMillis(3));
        assertThat(store.findByLegacyLookup("Ab12Cd34")).contains(s);
        assertThat(store.findByLegacyLookup("ab12cd34")).as("lookups are exact").isEmpty();
        assertThat(store.findByLegacyLookup("Ab12Cd3")).isEmpty();
        StoredKey native_ = insert("acme", "Issued by keyvault");
        assertThat(found(native_.id()).legacyLookup()).isEmpty();
        assertThat(found(native_.id()).importRef()).isEmpty();
        assertThat(found(native_.id()).key().importedAt()).isEmpty();
    }

    /** A lookup value comes from a request: every string is harmless. */
    @Test
    void whenTheLegacyLookupIsHostileThenNothingIsFoundAndNothingFails() {
        insert("acme", "k");
        List<String> hostile = new java.util.ArrayList<>(HOSTILE);
        hostile.addAll(List.of("", "%", "_", "*", "\u0000", "x".repeat(10_000), "' OR '1'='1", "\uD800"));
        for (String lookup : hostile) {
            assertThatCode(() -> assertThat(store.findByLegacyLookup(lookup)).isEmpty()).as(lookup).doesNotThrowAnyException();
        }
    }

    @Test
    void whenAnImportReferenceOrLegacyLookupIsTakenThenTheInsertIsADuplicateNamingWhich() {
        ApiKey a = minimalKey(newId(), "acme", "A").toBuilder().importedAt(Optional.of(T0)).build();
        store.insert(new StoredKey(a, "$sha256$" + "0".repeat(64), Optional.of("lookup-1"), Optional.of("ref-1")),
                event(a.id(), KeyEventType.IMPORTED, T0));
        long seq = store.latestSequence();

        ApiKey sameRef = minimalKey(newId(), "acme", "B").toBuilder().importedAt(Optional.of(T0)).build();
        assertThatThrownBy(() -> store.insert(new StoredKey(sameRef, "$sha256$" + "1".repeat(64), Optional.of("lookup-2"),
                Optional.of("ref-1")), event(sameRef.id(), KeyEventType.IMPORTED, T0)))
                .isInstanceOfSatisfying(DuplicateKeyException.class, e -> assertThat(e.conflict()).isEqualTo(DuplicateKeyException.Conflict.IMPORT_REF));
        ApiKey sameLookup = minimalKey(newId(), "acme", "C").toBuilder().importedAt(Optional.of(T0)).build();
        assertThatThrownBy(() -> store.insert(new StoredKey(sameLookup, "$sha256$" + "2".repeat(64), Optional.of("lookup-1"),
                Optional.of("ref-3")), event(sameLookup.id(), KeyEventType.IMPORTED, T0)))
                .isInstanceOfSatisfying(DuplicateKeyException.class, e -> assertThat(e.conflict()).isEqualTo(DuplicateKeyException.Conflict.LEGACY_LOOKUP));

        assertThat(store.find(sameRef.id())).isEmpty();
        assertThat(store.find(sameLookup.id())).isEmpty();
        assertThat(store.latestSequence()).as("a refused insert appends nothing").isEqualTo(seq);
        // keys keyvault issued have neither: any number of them coexist
        insert("acme", "D");
        insert("acme", "E");
    }

    // ================================================================================== revoke

    @Test
    void whenAnActiveKeyIsRevokedThenStatusRevocationAndEventsAreStored() {
        StoredKey s = insert("acme", "k");
        Revocation r = new Revocation(T0.plusMillis(42), "leaked in a log", "alice@example.com");
        List<KeyEvent> events = List.of(new KeyEvent(s.id(), KeyEventType.REVOKED, T0.plusMillis(42), "alice@example.com",
                "leaked in a log"));

        assertThat(store.revoke(s.id(), r, false, events)).isEqualTo(RevokeOutcome.REVOKED);

        ApiKey back = found(s.id()).key();
        assertThat(back.status()).isEqualTo(KeyStatus.REVOKED);
        assertThat(back.revocation()).contains(r);
        assertThat(back.compromised()).isFalse();
        assertThat(back).isEqualTo(s.key().withRevocation(r, false));
        assertThat(found(s.id()).hash()).isEqualTo(s.hash());
        assertThat(store.history(s.id())).hasSize(2).last().isEqualTo(events.get(0));
        assertThat(allChanges()).extracting(KeyChange::type).containsExactly(KeyEventType.ISSUED, KeyEventType.REVOKED);
    }

    @Test
    void whenRevokedAgainThenAlreadyRevokedAndTheFirstRevocationIsKept() {
        StoredKey s = insert("acme", "k");
        Revocation first = new Revocation(T0, "first", "alice");
        store.revoke(s.id(), first, false, List.of(event(s.id(), KeyEventType.REVOKED, T0)));
        long seq = store.latestSequence();
        List<KeyEvent> history = store.history(s.id());

        RevokeOutcome again = store.revoke(s.id(), new Revocation(T0.plusSeconds(5), "second", "bob"), true,
                List.of(event(s.id(), KeyEventType.REVOKED, T0.plusSeconds(5))));

        assertThat(again).isEqualTo(RevokeOutcome.ALREADY_REVOKED);
        assertThat(found(s.id()).key().revocation()).contains(first);
        assertThat(found(s.id()).key().compromised()).isFalse();
        assertThat(store.history(s.id())).isEqualTo(history);
        assertThat(store.latestSequence()).isEqualTo(seq);
    }

    @Test
    void whenRevokingAnUnknownKeyThenNotFoundAndNothingIsAppended() {
        insert("acme", "k");
        long seq = store.latestSequence();
        String unknown = newId();
        assertThat(store.revoke(unknown, new Revocation(T0, "r", "a"), false,
                List.of(event(unknown, KeyEventType.REVOKED, T0)))).isEqualTo(RevokeOutcome.NOT_FOUND);
        assertThat(store.latestSequence()).isEqualTo(seq);
        assertThat(store.history(unknown)).isEmpty();
        assertThat(store.find(unknown)).isEmpty();
    }

    @Test
    void whenRevokedAsCompromisedThenTheFlagIsSetAndEveryEventAppendedInOrder() {
        StoredKey s = insert("acme", "k");
        List<KeyEvent> events = List.of(event(s.id(), KeyEventType.REVOKED, T0), event(s.id(), KeyEventType.COMPROMISED, T0));
        assertThat(store.revoke(s.id(), new Revocation(T0, "leak", "sec"), true, events)).isEqualTo(RevokeOutcome.REVOKED);
        assertThat(found(s.id()).key().compromised()).isTrue();
        assertThat(store.history(s.id())).extracting(KeyEvent::type)
                .containsExactly(KeyEventType.ISSUED, KeyEventType.REVOKED, KeyEventType.COMPROMISED);
    }

    @Test
    void whenACompromisedKeyIsRevokedWithoutTheFlagThenTheFlagStays() {
        StoredKey s = insert("acme", "k");
        store.markCompromised(s.id(), event(s.id(), KeyEventType.COMPROMISED, T0));
        store.revoke(s.id(), new Revocation(T0, "r", "a"), false, List.of(event(s.id(), KeyEventType.REVOKED, T0)));
        assertThat(found(s.id()).key().compromised()).isTrue();
    }

    @Test
    void whenManyThreadsRevokeTheSameKeyThenExactlyOneRevokes() throws Exception {
        StoredKey s = insert("acme", "k");
        List<RevokeOutcome> outcomes = race(THREADS, () -> {
            String actor = "actor-" + Thread.currentThread().getId();
            return store.revoke(s.id(), new Revocation(T0, "race", actor), false,
                    List.of(new KeyEvent(s.id(), KeyEventType.REVOKED, T0, actor, "race")));
        });
        assertThat(outcomes).filteredOn(o -> o == RevokeOutcome.REVOKED).hasSize(1);
        assertThat(outcomes).filteredOn(o -> o == RevokeOutcome.ALREADY_REVOKED).hasSize(THREADS - 1);
        String winner = found(s.id()).key().revocation().orElseThrow().actor();
        assertThat(store.history(s.id())).extracting(KeyEvent::type).containsExactly(KeyEventType.ISSUED, KeyEventType.REVOKED);
        assertThat(store.history(s.id()).get(1).actor()).isEqualTo(winner);
    }

    // ============================================================ compromised, expiry, rehash

    @Test
    void whenMarkedCompromisedThenTheFlagIsSetWhateverTheStatusAndTheEventAppended() {
        StoredKey active = insert("acme", "a");
        StoredKey revoked = insert("acme", "r");
        store.revoke(revoked.id(), new Revocation(T0, "r", "a"), false, List.of(event(revoked.id(), KeyEventType.REVOKED, T0)));

        assertThat(store.markCompromised(active.id(), event(active.id(), KeyEventType.COMPROMISED, T0))).isTrue();
        assertThat(store.markCompromised(revoked.id(), event(revoked.id(), KeyEventType.COMPROMISED, T0))).isTrue();

        assertThat(found(active.id()).key().compromised()).isTrue();
        assertThat(found(active.id()).key().isActive()).isTrue();
        assertThat(found(revoked.id()).key().compromised()).isTrue();
        assertThat(found(revoked.id()).key().status()).isEqualTo(KeyStatus.REVOKED);
        assertThat(store.history(active.id())).extracting(KeyEvent::type).endsWith(KeyEventType.COMPROMISED);
    }

    @Test
    void whenAKeyIsMarkedCompromisedAgainThenFalseAndNothingAppended() {
        StoredKey s = insert("acme", "k");
        assertThat(store.markCompromised(s.id(), event(s.id(), KeyEventType.COMPROMISED, T0))).isTrue();
        long sequence = store.latestSequence();

        assertThat(store.markCompromised(s.id(), event(s.id(), KeyEventType.COMPROMISED, T0.plusSeconds(1)))).isFalse();

        assertThat(store.latestSequence()).isEqualTo(sequence);
        assertThat(store.history(s.id())).filteredOn(e -> e.type() == KeyEventType.COMPROMISED).hasSize(1);
    }

    @Test
    void whenThreadsMarkOneKeyCompromisedAtOnceThenExactlyOneSucceedsAndOneEventIsAppended() throws Exception {
        StoredKey s = insert("acme", "k");
        int threads = 8;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CyclicBarrier start = new CyclicBarrier(threads);
            List<Future<Boolean>> results = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                results.add(pool.submit(() -> {
                    start.await(10, TimeUnit.SECONDS);
                    return store.markCompromised(s.id(), event(s.id(), KeyEventType.COMPROMISED, T0));
                }));
            }
            int marked = 0;
            for (Future<Boolean> r : results) {
                marked += r.get(30, TimeUnit.SECONDS) ? 1 : 0;
            }
            assertThat(marked).isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
        assertThat(store.history(s.id())).filteredOn(e -> e.type() == KeyEventType.COMPROMISED).hasSize(1);
    }

    @Test
    void whenAnEventIsAppendedOnceThenAnEqualOneIsNotAppendedAgainButAnotherIs() {
        StoredKey s = insert("acme", "k");
        KeyEvent report = new KeyEvent(s.id(), KeyEventType.LEAK_REPORTED, T0, "github", "https://github.com/acme/app/blob/x");
        assertThat(store.appendEventOnce(report)).isTrue();
        long sequence = store.latestSequence();

        assertThat(store.appendEventOnce(new KeyEvent(s.id(), KeyEventType.LEAK_REPORTED, T0.plusSeconds(60), "other node",
                report.detail()))).as("same type and detail, another time and actor").isFalse();
        assertThat(store.latestSequence()).isEqualTo(sequence);

        assertThat(store.appendEventOnce(new KeyEvent(s.id(), KeyEventType.LEAK_REPORTED, T0, "github", report.detail() + "/y")))
                .as("another detail").isTrue();
        assertThat(store.appendEventOnce(new KeyEvent(s.id(), KeyEventType.NOTE, T0, "github", report.detail())))
                .as("another type").isTrue();
        String unknown = newId();
        assertThat(store.appendEventOnce(new KeyEvent(unknown, KeyEventType.LEAK_REPORTED, T0, "github", "x"))).isFalse();
        assertThat(store.history(unknown)).isEmpty();
        assertThat(store.history(s.id())).extracting(KeyEvent::type)
                .containsExactly(KeyEventType.ISSUED, KeyEventType.LEAK_REPORTED, KeyEventType.LEAK_REPORTED, KeyEventType.NOTE);
    }

    @Test
    void whenThreadsAppendOneEventOnceAtOnceThenExactlyOneAppendsIt() throws Exception {
        StoredKey s = insert("acme", "k");
        int threads = 8;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CyclicBarrier start = new CyclicBarrier(threads);
            List<Future<Boolean>> results = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                String actor = "node " + i;
                results.add(pool.submit(() -> {
                    start.await(10, TimeUnit.SECONDS);
                    return store.appendEventOnce(new KeyEvent(s.id(), KeyEventType.LEAK_REPORTED, T0, actor, "https://gist.github.com/x"));
                }));
            }
            int appended = 0;
            for (Future<Boolean> r : results) {
                appended += r.get(30, TimeUnit.SECONDS) ? 1 : 0;
            }
            assertThat(appended).isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
        assertThat(store.history(s.id())).filteredOn(e -> e.type() == KeyEventType.LEAK_REPORTED).hasSize(1);
    }

    @Test
    void whenMarkingAnUnknownKeyCompromisedThenFalseAndNothingAppended() {
        String unknown = newId();
        assertThat(store.markCompromised(unknown, event(unknown, KeyEventType.COMPROMISED, T0))).isFalse();
        assertThat(store.latestSequence()).isZero();
    }

    @Test
    void whenTheKeyHasNoExpiryThenShortenSetsIt() {
        StoredKey s = insert("acme", "k");
        Instant at = T0.plus(Duration.ofDays(1)).plusMillis(3);
        assertThat(store.shortenExpiry(s.id(), at, event(s.id(), KeyEventType.EXPIRY_CHANGED, T0))).isTrue();
        assertThat(found(s.id()).key().expiresAt()).contains(at);
        assertThat(store.history(s.id())).extracting(KeyEvent::type).endsWith(KeyEventType.EXPIRY_CHANGED);
    }

    @Test
    void whenTheNewExpiryIsEarlierThenItIsLowered() {
        Instant later = T0.plus(Duration.ofDays(30));
        StoredKey s = insert(withExpiry(minimalKey(newId(), "acme", "k"), Optional.of(later)));
        Instant earlier = T0.plus(Duration.ofDays(2)).plusMillis(1);
        assertThat(store.shortenExpiry(s.id(), earlier, event(s.id(), KeyEventType.EXPIRY_CHANGED, T0))).isTrue();
        assertThat(found(s.id()).key().expiresAt()).contains(earlier);
    }

    @Test
    void whenTheNewExpiryIsLaterOrEqualThenUnchangedAndNoEvent() {
        Instant expiry = T0.plus(Duration.ofDays(2));
        StoredKey s = insert(withExpiry(minimalKey(newId(), "acme", "k"), Optional.of(expiry)));
        long seq = store.latestSequence();

        assertThat(store.shortenExpiry(s.id(), expiry.plusMillis(1), event(s.id(), KeyEventType.EXPIRY_CHANGED, T0))).isTrue();
        assertThat(store.shortenExpiry(s.id(), expiry, event(s.id(), KeyEventType.EXPIRY_CHANGED, T0))).isTrue();

        assertThat(found(s.id()).key().expiresAt()).contains(expiry);
        assertThat(store.latestSequence()).isEqualTo(seq);
        assertThat(store.history(s.id())).hasSize(1);
    }

    @Test
    void whenShorteningTheExpiryOfAnUnknownKeyThenFalse() {
        String unknown = newId();
        assertThat(store.shortenExpiry(unknown, T0, event(unknown, KeyEventType.EXPIRY_CHANGED, T0))).isFalse();
        assertThat(store.latestSequence()).isZero();
    }

    @Test
    void whenTheExpectedHashMatchesThenItIsReplacedAndTheEventAppended() {
        StoredKey s = insert("acme", "k");
        String fresh = "$test$v=2$" + "A".repeat(40);
        assertThat(store.replaceHash(s.id(), s.hash(), fresh, event(s.id(), KeyEventType.REHASHED, T0))).isTrue();
        assertThat(found(s.id()).hash()).isEqualTo(fresh);
        assertThat(found(s.id()).key()).isEqualTo(s.key());
        assertThat(store.history(s.id())).extracting(KeyEvent::type).endsWith(KeyEventType.REHASHED);
    }

    @Test
    void whenTheExpectedHashDiffersThenNothingChanges() {
        StoredKey s = insert("acme", "k");
        long seq = store.latestSequence();
        assertThat(store.replaceHash(s.id(), s.hash() + "x", "$test$v=2$zz", event(s.id(), KeyEventType.REHASHED, T0))).isFalse();
        assertThat(found(s.id()).hash()).isEqualTo(s.hash());
        assertThat(store.latestSequence()).isEqualTo(seq);
    }

    @Test
    void whenReplacingTheHashOfAnUnknownKeyThenFalse() {
        String unknown = newId();
        assertThat(store.replaceHash(unknown, "$a", "$b", event(unknown, KeyEventType.REHASHED, T0))).isFalse();
    }

    @Test
    void whenTwoRehashesRaceThenExactlyOneReplaces() throws Exception {
        StoredKey s = insert("acme", "k");
        List<Boolean> won = race(THREADS, () -> store.replaceHash(s.id(), s.hash(),
                "$test$v=2$" + Thread.currentThread().getId(), event(s.id(), KeyEventType.REHASHED, T0)));
        assertThat(won).filteredOn(Boolean::booleanValue).hasSize(1);
        assertThat(store.history(s.id())).filteredOn(e -> e.type() == KeyEventType.REHASHED).hasSize(1);
    }

    // ================================================================================= history

    @Test
    void whenEventsAreAppendedThenHistoryKeepsTheirOrderAndEveryFieldExactly() {
        StoredKey s = insert("acme", "k");
        List<KeyEvent> notes = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            // same instant for some, earlier for others: order is append order, not time order
            Instant at = i % 3 == 0 ? T0 : T0.minusMillis(i);
            KeyEventType type = i % 2 == 0 ? KeyEventType.NOTE : KeyEventType.SECRET_DELIVERED;
            notes.add(new KeyEvent(s.id(), type, at, "actor " + i, i == 5 ? "" : "detail #" + i));
        }
        notes.forEach(store::appendEvent);

        List<KeyEvent> history = store.history(s.id());
        assertThat(history).hasSize(13);
        assertThat(history.subList(1, 13)).containsExactlyElementsOf(notes);
        assertThat(history.get(6).detail()).isEmpty();
    }

    @Test
    void whenTheKeyIsUnknownThenHistoryIsEmpty() {
        insert("acme", "k");
        assertThat(store.history(newId())).isEmpty();
    }

    @Test
    void whenDetailIsAtItsMaximumLengthThenItRoundTrips() {
        StoredKey s = insert("acme", "k");
        String detail = "ü".repeat(KeyEvent.MAX_DETAIL);
        KeyEvent e = new KeyEvent(s.id(), KeyEventType.NOTE, T0, "a".repeat(200), detail);
        store.appendEvent(e);
        assertThat(store.history(s.id())).last().isEqualTo(e);
    }

    // ================================================================================ rotation

    @Test
    void whenRotatingThenTheSuccessorIsInsertedLinkedAndTheEventsAppendedInOrder() {
        StoredKey old = insert("acme", "Deploy");
        long before = store.latestSequence();
        ApiKey next = successorOf(old.id(), newId(), "acme", "Deploy v2");
        StoredKey nextStored = stored(next);
        List<KeyEvent> events = List.of(
                new KeyEvent(old.id(), KeyEventType.ROTATED, T0.plusSeconds(60), "alice", "successor " + next.id()),
                new KeyEvent(next.id(), KeyEventType.ISSUED, T0.plusSeconds(60), "alice", "successor of " + old.id()));

        assertThat(store.insertSuccessor(old.id(), Optional.empty(), nextStored, Optional.empty(), events, PredecessorCondition.MUST_BE_ACTIVE)).isTrue();

        assertThat(found(next.id())).isEqualTo(nextStored);
        assertThat(found(old.id()).key().successorId()).contains(next.id());
        assertThat(found(old.id()).key().expiresAt()).isEmpty();
        assertThat(found(old.id()).key().isActive()).isTrue();
        assertThat(store.history(old.id())).extracting(KeyEvent::type).containsExactly(KeyEventType.ISSUED, KeyEventType.ROTATED);
        assertThat(store.history(next.id())).containsExactly(events.get(1));
        List<KeyChange> added = store.changesSince(before, 100).changes();
        assertThat(added).extracting(KeyChange::keyId).containsExactly(old.id(), next.id());
        assertThat(added).extracting(KeyChange::type).containsExactly(KeyEventType.ROTATED, KeyEventType.ISSUED);
    }

    @Test
    void whenAnEarlierPredecessorExpiryIsGivenThenItIsLoweredButNeverRaised() {
        Instant own = T0.plus(Duration.ofDays(10));
        StoredKey a = insert(withExpiry(minimalKey(newId(), "acme", "a"), Optional.of(own)));
        StoredKey b = insert(withExpiry(minimalKey(newId(), "acme", "b"), Optional.of(own)));
        StoredKey c = insert("acme", "c");
        Instant earlier = T0.plus(Duration.ofDays(1)).plusMillis(9);

        assertThat(store.insertSuccessor(a.id(), Optional.empty(), stored(successorOf(a.id(), newId(), "acme", "a v2")),
                Optional.of(earlier), List.of(), PredecessorCondition.MUST_BE_ACTIVE)).isTrue();
        assertThat(store.insertSuccessor(b.id(), Optional.empty(), stored(successorOf(b.id(), newId(), "acme", "b v2")),
                Optional.of(own.plusSeconds(1)), List.of(), PredecessorCondition.MUST_BE_ACTIVE)).isTrue();
        assertThat(store.insertSuccessor(c.id(), Optional.empty(), stored(successorOf(c.id(), newId(), "acme", "c v2")),
                Optional.of(earlier), List.of(), PredecessorCondition.MUST_BE_ACTIVE)).isTrue();

        assertThat(found(a.id()).key().expiresAt()).contains(earlier);
        assertThat(found(b.id()).key().expiresAt()).contains(own);
        assertThat(found(c.id()).key().expiresAt()).contains(earlier);
    }

    @Test
    void whenTheLinkDiffersFromTheExpectedOneThenFalseAndNothingChanges() {
        StoredKey old = insert("acme", "Deploy");
        StoredKey first = stored(successorOf(old.id(), newId(), "acme", "Deploy v2"));
        store.insertSuccessor(old.id(), Optional.empty(), first, Optional.empty(), List.of(), PredecessorCondition.MUST_BE_ACTIVE);
        long seq = store.latestSequence();
        StoredKey second = stored(successorOf(old.id(), newId(), "acme", "Deploy v3"));

        assertThat(store.insertSuccessor(old.id(), Optional.empty(), second, Optional.of(T0),
                List.of(event(old.id(), KeyEventType.ROTATED, T0)), PredecessorCondition.MUST_BE_ACTIVE)).isFalse();
        assertThat(store.insertSuccessor(old.id(), Optional.of(newId()), second, Optional.of(T0),
                List.of(event(old.id(), KeyEventType.ROTATED, T0)), PredecessorCondition.MUST_BE_ACTIVE)).isFalse();

        assertThat(store.find(second.id())).isEmpty();
        assertThat(found(old.id()).key().successorId()).contains(first.id());
        assertThat(found(old.id()).key().expiresAt()).isEmpty();
        assertThat(store.latestSequence()).isEqualTo(seq);
    }

    @Test
    void whenThePredecessorWasRevokedThenOnlyARotationThatAllowsItLinksASuccessor() {
        StoredKey old = insert("acme", "Deploy");
        store.revoke(old.id(), new Revocation(T0, "owner off-boarded", "hr"), false, List.of());
        long seq = store.latestSequence();
        StoredKey next = stored(successorOf(old.id(), newId(), "acme", "Deploy v2"));

        assertThat(store.insertSuccessor(old.id(), Optional.empty(), next, Optional.of(T0),
                List.of(event(old.id(), KeyEventType.ROTATED, T0)), PredecessorCondition.MUST_BE_ACTIVE)).isFalse();
        assertThat(store.find(next.id())).isEmpty();
        assertThat(found(old.id()).key().successorId()).isEmpty();
        assertThat(store.latestSequence()).isEqualTo(seq);

        assertThat(store.insertSuccessor(old.id(), Optional.empty(), next, Optional.empty(),
                List.of(event(old.id(), KeyEventType.ROTATED, T0)), PredecessorCondition.MAY_BE_REVOKED)).isTrue();
        assertThat(found(old.id()).key().successorId()).contains(next.id());
        assertThat(found(old.id()).key().isActive()).isFalse();
        assertThat(found(next.id()).key().isActive()).isTrue();
    }

    @Test
    void whenThePredecessorIsMissingThenFalseAndNothingIsInserted() {
        String ghost = newId();
        StoredKey next = stored(successorOf(ghost, newId(), "acme", "x"));
        assertThat(store.insertSuccessor(ghost, Optional.empty(), next, Optional.empty(),
                List.of(event(next.id(), KeyEventType.ISSUED, T0)), PredecessorCondition.MUST_BE_ACTIVE)).isFalse();
        assertThat(store.find(next.id())).isEmpty();
        assertThat(store.latestSequence()).isZero();
    }

    @Test
    void whenThePreviousSuccessorWasRevokedThenRotatingAgainFromItSucceeds() {
        StoredKey old = insert("acme", "Deploy");
        StoredKey first = stored(successorOf(old.id(), newId(), "acme", "Deploy v2"));
        store.insertSuccessor(old.id(), Optional.empty(), first, Optional.empty(), List.of(), PredecessorCondition.MUST_BE_ACTIVE);
        store.revoke(first.id(), new Revocation(T0, "bad successor", "alice"), false, List.of());
        StoredKey second = stored(successorOf(old.id(), newId(), "acme", "Deploy v2"));

        assertThat(store.insertSuccessor(old.id(), Optional.of(first.id()), second, Optional.empty(), List.of(), PredecessorCondition.MUST_BE_ACTIVE)).isTrue();

        assertThat(found(old.id()).key().successorId()).contains(second.id());
        assertThat(found(second.id()).key().predecessorId()).contains(old.id());
        assertThat(found(first.id()).key().predecessorId()).contains(old.id());
    }

    @Test
    void whenTheSuccessorNameIsTakenThenDuplicateActiveNameAndTheLinkIsUnchanged() {
        StoredKey old = insert("acme", "Deploy");
        insert("acme", "Deploy v2");
        long seq = store.latestSequence();
        StoredKey next = stored(successorOf(old.id(), newId(), "acme", "Deploy v2"));

        Throwable thrown = catchThrowable(() -> store.insertSuccessor(old.id(), Optional.empty(), next,
                Optional.of(T0), List.of(event(old.id(), KeyEventType.ROTATED, T0)), PredecessorCondition.MUST_BE_ACTIVE));

        assertThat(thrown).isInstanceOf(DuplicateKeyException.class);
        assertThat(((DuplicateKeyException) thrown).conflict()).isEqualTo(Conflict.ACTIVE_NAME);
        assertThat(found(old.id()).key().successorId()).isEmpty();
        assertThat(found(old.id()).key().expiresAt()).isEmpty();
        assertThat(store.find(next.id())).isEmpty();
        assertThat(store.latestSequence()).isEqualTo(seq);
    }

    @Test
    void whenTheSuccessorIdIsTakenThenDuplicateKeyIdAndTheLinkIsUnchanged() {
        StoredKey old = insert("acme", "Deploy");
        StoredKey other = insert("acme", "Other");
        StoredKey next = stored(successorOf(old.id(), other.id(), "acme", "Deploy v2"));

        Throwable thrown = catchThrowable(() -> store.insertSuccessor(old.id(), Optional.empty(), next, Optional.empty(), List.of(), PredecessorCondition.MUST_BE_ACTIVE));

        assertThat(((DuplicateKeyException) thrown).conflict()).isEqualTo(Conflict.KEY_ID);
        assertThat(found(old.id()).key().successorId()).isEmpty();
        assertThat(found(other.id())).isEqualTo(other);
    }

    @Test
    void whenTheSuccessorDoesNotNameThePredecessorThenIllegalArgument() {
        StoredKey old = insert("acme", "Deploy");
        StoredKey stray = stored(successorOf(newId(), newId(), "acme", "Deploy v2"));
        assertThatThrownBy(() -> store.insertSuccessor(old.id(), Optional.empty(), stray, Optional.empty(), List.of(), PredecessorCondition.MUST_BE_ACTIVE))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(found(old.id()).key().successorId()).isEmpty();
    }

    @Test
    void whenManyThreadsRotateTheSameKeyAtOnceThenExactlyOneWins() throws Exception {
        StoredKey old = insert("acme", "Deploy");
        List<String> winners = race(THREADS, () -> {
            String id = newId();
            StoredKey next = stored(successorOf(old.id(), id, "acme", "Deploy " + id));
            List<KeyEvent> events = List.of(event(old.id(), KeyEventType.ROTATED, T0), event(id, KeyEventType.ISSUED, T0));
            return store.insertSuccessor(old.id(), Optional.empty(), next, Optional.empty(), events, PredecessorCondition.MUST_BE_ACTIVE) ? id : null;
        });
        List<String> won = winners.stream().filter(w -> w != null).toList();
        assertThat(won).hasSize(1);
        assertThat(found(old.id()).key().successorId()).contains(won.get(0));
        assertThat(store.list(KeyQuery.all().withOwner("acme"))).extracting(StoredKey::id)
                .containsExactlyInAnyOrder(old.id(), won.get(0));
        assertThat(store.history(old.id())).extracting(KeyEvent::type).containsExactly(KeyEventType.ISSUED, KeyEventType.ROTATED);
        assertThat(allChanges()).hasSize(3);
    }

    // ==================================================================================== list

    @Test
    void whenListingThenEachFilterAndTheirCombinationApply() {
        StoredKey a = insert(withEnvironmentAndTags(minimalKey(newId(), "acme", "a"), "production", Set.of("team:sync", "x")));
        StoredKey b = insert(withEnvironmentAndTags(minimalKey(newId(), "acme", "b"), "staging", Set.of("team:sync")));
        StoredKey c = insert(withEnvironmentAndTags(minimalKey(newId(), "acme", "c"), "production", Set.of()));
        StoredKey d = insert(withEnvironmentAndTags(minimalKey(newId(), "globex", "d"), "production", Set.of("team:sync")));
        store.revoke(c.id(), new Revocation(T0, "r", "a"), false, List.of());

        assertThat(listIds(KeyQuery.all())).containsExactlyInAnyOrder(a.id(), b.id(), c.id(), d.id());
        assertThat(listIds(KeyQuery.all().withOwner("acme"))).containsExactlyInAnyOrder(a.id(), b.id(), c.id());
        assertThat(listIds(KeyQuery.all().withStatus(KeyStatus.REVOKED))).containsExactly(c.id());
        assertThat(listIds(KeyQuery.all().withStatus(KeyStatus.ACTIVE))).containsExactlyInAnyOrder(a.id(), b.id(), d.id());
        assertThat(listIds(KeyQuery.all().withEnvironment("production"))).containsExactlyInAnyOrder(a.id(), c.id(), d.id());
        assertThat(listIds(KeyQuery.all().withTag("team:sync"))).containsExactlyInAnyOrder(a.id(), b.id(), d.id());
        assertThat(listIds(KeyQuery.all().withOwner("acme").withStatus(KeyStatus.ACTIVE).withEnvironment("production")
                .withTag("team:sync"))).containsExactly(a.id());
        assertThat(listIds(KeyQuery.all().withOwner("nobody"))).isEmpty();
        assertThat(listIds(KeyQuery.all().withTag("absent"))).isEmpty();
        assertThat(store.list(KeyQuery.all().withTag("x"))).singleElement().isEqualTo(found(a.id()));
    }

    @Test
    void whenListingThenResultsAreOrderedByIdAndKeysetPagingVisitsEachKeyOnce() {
        Set<String> inserted = new HashSet<>();
        for (int i = 0; i < 25; i++) {
            inserted.add(insert("acme", "key " + i).id());
        }
        List<String> expected = inserted.stream().sorted().toList();
        assertThat(listIds(KeyQuery.all())).containsExactlyElementsOf(expected);

        List<String> paged = new ArrayList<>();
        KeyQuery page = KeyQuery.all().withOwner("acme").withLimit(7);
        for (int pages = 0; ; pages++) {
            List<String> got = listIds(page);
            assertThat(got.size()).isLessThanOrEqualTo(7);
            paged.addAll(got);
            if (got.size() < 7) {
                assertThat(pages).isEqualTo(3);
                break;
            }
            page = page.withAfterId(got.get(got.size() - 1));
        }
        assertThat(paged).containsExactlyElementsOf(expected);
    }

    @Test
    void whenIdsDifferOnlyInCaseThenTheyAreOrderedAsStringCompareToOrdersThem() {
        String base = newId().substring(1);
        List<String> ids = List.of("a" + base, "B" + base, "0" + base, "Z" + base, "b" + base, "A" + base);
        for (String id : ids) {
            insert(minimalKey(id, "case", "n " + id));
        }
        List<String> sorted = ids.stream().sorted().toList();
        assertThat(listIds(KeyQuery.all().withOwner("case"))).containsExactlyElementsOf(sorted);
        assertThat(listIds(KeyQuery.all().withOwner("case").withAfterId(sorted.get(2)))).containsExactlyElementsOf(sorted.subList(3, 6));
    }

    @Test
    void whenFilterValuesContainWildcardCharactersThenTheyMatchLiterally() {
        StoredKey percent = insert("%", "p");
        StoredKey underscore = insert("a_c", "u");
        insert("abc", "plain");
        StoredKey tagged = insert(withEnvironmentAndTags(minimalKey(newId(), "t", "t"), "default", Set.of("a_c")));
        insert(withEnvironmentAndTags(minimalKey(newId(), "t", "t2"), "default", Set.of("abc")));

        assertThat(listIds(KeyQuery.all().withOwner("%"))).containsExactly(percent.id());
        assertThat(listIds(KeyQuery.all().withOwner("a_c"))).containsExactly(underscore.id());
        assertThat(listIds(KeyQuery.all().withOwner("a%"))).isEmpty();
        assertThat(listIds(KeyQuery.all().withTag("a_c"))).containsExactly(tagged.id());
    }

    private List<String> listIds(KeyQuery q) {
        return store.list(q).stream().map(StoredKey::id).toList();
    }

    // =================================================================================== usage

    @Test
    void whenUsageIsAppliedThenRollupsAreStoredExactly() {
        StoredKey s = insert("acme", "k");
        UsageRollup r = new UsageRollup(s.id(), MINUTE, "POST", "/articles/**", "2001:db8::1%eth0", "curl/8.5 (x)",
                "billing-worker", 201, 17, MINUTE.plusMillis(1), MINUTE.plusMillis(59_999));
        store.applyUsage(batch(List.of(r), Map.of(s.id(), MINUTE.plusMillis(59_999))));

        assertThat(store.usage(s.id(), MINUTE, MINUTE.plusSeconds(60))).containsExactly(r);
        assertThat(found(s.id()).key().lastUsedAt()).contains(MINUTE.plusMillis(59_999));
    }

    @Test
    void whenTheSameRollupIsAppliedAgainThenCountsAddAndTheSeenRangeWidens() {
        StoredKey s = insert("acme", "k");
        store.applyUsage(batch(List.of(rollup(s.id(), MINUTE, "/a", 3, MINUTE.plusSeconds(10), MINUTE.plusSeconds(20))), Map.of()));
        store.applyUsage(batch(List.of(rollup(s.id(), MINUTE, "/a", 4, MINUTE.plusSeconds(5), MINUTE.plusSeconds(15))), Map.of()));
        store.applyUsage(batch(List.of(rollup(s.id(), MINUTE, "/a", 5, MINUTE.plusSeconds(12), MINUTE.plusSeconds(50))), Map.of()));

        assertThat(store.usage(s.id(), MINUTE, MINUTE.plusSeconds(60)))
                .containsExactly(rollup(s.id(), MINUTE, "/a", 12, MINUTE.plusSeconds(5), MINUTE.plusSeconds(50)));
    }

    @Test
    void whenAnyDimensionDiffersThenTheRollupsAreKeptApart() {
        StoredKey s = insert("acme", "k");
        Instant at = MINUTE.plusSeconds(1);
        UsageRollup base = new UsageRollup(s.id(), MINUTE, "GET", "/a", "10.0.0.1", "ua", "c", 200, 1, at, at);
        List<UsageRollup> variants = List.of(base,
                new UsageRollup(s.id(), MINUTE.plusSeconds(60), "GET", "/a", "10.0.0.1", "ua", "c", 200, 1, at.plusSeconds(60), at.plusSeconds(60)),
                new UsageRollup(s.id(), MINUTE, "PUT", "/a", "10.0.0.1", "ua", "c", 200, 1, at, at),
                new UsageRollup(s.id(), MINUTE, "GET", "/b", "10.0.0.1", "ua", "c", 200, 1, at, at),
                new UsageRollup(s.id(), MINUTE, "GET", "/a", "10.0.0.2", "ua", "c", 200, 1, at, at),
                new UsageRollup(s.id(), MINUTE, "GET", "/a", "10.0.0.1", "", "c", 200, 1, at, at),
                new UsageRollup(s.id(), MINUTE, "GET", "/a", "10.0.0.1", "ua", "", 200, 1, at, at),
                new UsageRollup(s.id(), MINUTE, "GET", "/a", "10.0.0.1", "ua", "c", 404, 1, at, at),
                new UsageRollup(s.id(), MINUTE, "GET", "/A", "10.0.0.1", "ua", "c", 200, 1, at, at));
        store.applyUsage(batch(variants, Map.of()));
        store.applyUsage(batch(List.of(base), Map.of()));

        List<UsageRollup> back = store.usage(s.id(), MINUTE, MINUTE.plusSeconds(120));
        assertThat(back).hasSize(variants.size());
        assertThat(back.stream().filter(r -> r.count() == 2)).containsExactly(
                new UsageRollup(s.id(), MINUTE, "GET", "/a", "10.0.0.1", "ua", "c", 200, 2, at, at));
    }

    @Test
    void whenLastUsedIsAppliedThenItOnlyMovesForward() {
        StoredKey s = insert("acme", "k");
        store.applyUsage(batch(List.of(), Map.of(s.id(), T0.plusSeconds(30))));
        assertThat(found(s.id()).key().lastUsedAt()).contains(T0.plusSeconds(30));

        store.applyUsage(batch(List.of(), Map.of(s.id(), T0.plusSeconds(10))));
        assertThat(found(s.id()).key().lastUsedAt()).contains(T0.plusSeconds(30));

        store.applyUsage(batch(List.of(), Map.of(s.id(), T0.plusSeconds(30).plusMillis(1))));
        assertThat(found(s.id()).key().lastUsedAt()).contains(T0.plusSeconds(30).plusMillis(1));
    }

    @Test
    void whenLastUsedIsAppliedToARevokedKeyThenItStillMovesAndNothingElseChanges() {
        StoredKey s = insert("acme", "k");
        store.revoke(s.id(), new Revocation(T0, "r", "a"), false, List.of());
        ApiKey before = found(s.id()).key();
        long seq = store.latestSequence();
        store.applyUsage(batch(List.of(rollup(s.id(), MINUTE, "/a", 1, MINUTE, MINUTE)), Map.of(s.id(), T0.plusSeconds(1))));
        assertThat(found(s.id()).key()).isEqualTo(before.withLastUsedAt(T0.plusSeconds(1)));
        assertThat(store.latestSequence()).isEqualTo(seq);
    }

    @Test
    void whenUsageNamesAnUnknownKeyThenItsRollupsAreKeptAndItsLastUsedIgnored() {
        String unknown = newId();
        UsageRollup r = rollup(unknown, MINUTE, "/a", 2, MINUTE, MINUTE.plusSeconds(1));
        store.applyUsage(batch(List.of(r), Map.of(unknown, MINUTE.plusSeconds(1))));

        assertThat(store.usage(unknown, MINUTE, MINUTE.plusSeconds(60))).containsExactly(r);
        assertThat(store.find(unknown)).isEmpty();
        assertThat(store.latestSequence()).isZero();
    }

    @Test
    void whenTheBatchIsEmptyThenNothingChanges() {
        StoredKey s = insert("acme", "k");
        store.applyUsage(batch(List.of(), Map.of()));
        assertThat(store.usage(s.id(), Instant.EPOCH, T0.plus(Duration.ofDays(1)))).isEmpty();
        assertThat(found(s.id())).isEqualTo(s);
    }

    @Test
    void whenTheBatchIsLargeThenEveryRollupIsStored() {
        List<StoredKey> keys = IntStream.range(0, 20).mapToObj(i -> insert("acme", "k" + i)).toList();
        List<UsageRollup> rollups = new ArrayList<>();
        Map<String, Instant> lastUsed = new HashMap<>();
        for (StoredKey k : keys) {
            for (int e = 0; e < 15; e++) {
                for (int ip = 0; ip < 10; ip++) {
                    rollups.add(new UsageRollup(k.id(), MINUTE, "GET", "/e" + e, "10.0.0." + ip, "", "", 200, e + ip + 1,
                            MINUTE.plusMillis(ip), MINUTE.plusMillis(1000 + e)));
                }
            }
            lastUsed.put(k.id(), MINUTE.plusSeconds(59));
        }
        store.applyUsage(batch(rollups, lastUsed));

        long total = 0;
        for (StoredKey k : keys) {
            List<UsageRollup> got = store.usage(k.id(), MINUTE, MINUTE.plusSeconds(60));
            assertThat(got).hasSize(150);
            total += got.stream().mapToLong(UsageRollup::count).sum();
            assertThat(found(k.id()).key().lastUsedAt()).contains(MINUTE.plusSeconds(59));
        }
        assertThat(total).isEqualTo(rollups.stream().mapToLong(UsageRollup::count).sum());
    }

    @Test
    void whenConcurrentBatchesHitTheSameRollupsThenTheCountsAreExact() throws Exception {
        List<StoredKey> keys = IntStream.range(0, 5).mapToObj(i -> insert("acme", "k" + i)).toList();
        int rounds = 10;
        race(4, () -> {
            for (int round = 0; round < rounds; round++) {
                List<UsageRollup> rollups = new ArrayList<>();
                Map<String, Instant> lastUsed = new HashMap<>();
                for (StoredKey k : keys) {
                    for (int e = 0; e < 4; e++) {
                        rollups.add(rollup(k.id(), MINUTE, "/e" + e, 1, MINUTE.plusMillis(round), MINUTE.plusMillis(round)));
                    }
                    lastUsed.put(k.id(), MINUTE.plusMillis(round));
                }
                Collections.shuffle(rollups);
                store.applyUsage(batch(rollups, lastUsed));
            }
            return null;
        });
        for (StoredKey k : keys) {
            List<UsageRollup> got = store.usage(k.id(), MINUTE, MINUTE.plusSeconds(60));
            assertThat(got).hasSize(4).allSatisfy(r -> {
                assertThat(r.count()).isEqualTo(4L * rounds);
                assertThat(r.firstSeen()).isEqualTo(MINUTE);
                assertThat(r.lastSeen()).isEqualTo(MINUTE.plusMillis(rounds - 1));
            });
            assertThat(found(k.id()).key().lastUsedAt()).contains(MINUTE.plusMillis(rounds - 1));
        }
    }

    @Test
    void whenReadingUsageThenTheRangeIsHalfOpenOrderedByMinuteAndLimitedToTheKey() {
        StoredKey s = insert("acme", "k");
        StoredKey other = insert("acme", "other");
        List<UsageRollup> rollups = new ArrayList<>();
        for (int m = 4; m >= 0; m--) {
            Instant at = MINUTE.plus(Duration.ofMinutes(m));
            rollups.add(rollup(s.id(), at, "/z", 1, at, at));
            rollups.add(rollup(s.id(), at, "/a", 1, at, at));
            rollups.add(rollup(other.id(), at, "/a", 1, at, at));
        }
        store.applyUsage(batch(rollups, Map.of()));

        List<UsageRollup> got = store.usage(s.id(), MINUTE.plus(Duration.ofMinutes(1)), MINUTE.plus(Duration.ofMinutes(4)));
        assertThat(got).extracting(UsageRollup::keyId).containsOnly(s.id());
        assertThat(got).extracting(UsageRollup::minute).containsExactly(
                MINUTE.plus(Duration.ofMinutes(1)), MINUTE.plus(Duration.ofMinutes(1)),
                MINUTE.plus(Duration.ofMinutes(2)), MINUTE.plus(Duration.ofMinutes(2)),
                MINUTE.plus(Duration.ofMinutes(3)), MINUTE.plus(Duration.ofMinutes(3)));
        assertThat(store.usage(s.id(), MINUTE.plusMillis(1), MINUTE.plus(Duration.ofMinutes(1)))).isEmpty();
        assertThat(store.usage(s.id(), MINUTE, MINUTE.plusMillis(1))).hasSize(2);
        assertThat(store.usage(s.id(), MINUTE, MINUTE)).isEmpty();
    }

    // ============================================================================ change feed

    @Test
    void whenTheStoreIsEmptyThenTheLatestSequenceIsZeroAndThereAreNoChanges() {
        assertThat(store.latestSequence()).isZero();
        ChangePage page = store.changesSince(0, 10);
        assertThat(page.changes()).isEmpty();
        assertThat(page.gap()).isFalse();
    }

    @Test
    void whenChangesAreMadeThenTheFeedHasOneEntryPerEventInIncreasingOrder() {
        StoredKey a = insert("acme", "a");
        StoredKey b = insert("acme", "b");
        store.revoke(a.id(), new Revocation(T0, "r", "x"), true,
                List.of(event(a.id(), KeyEventType.REVOKED, T0.plusMillis(1)), event(a.id(), KeyEventType.COMPROMISED, T0.plusMillis(1))));
        store.appendEvent(event(b.id(), KeyEventType.NOTE, T0.plusMillis(2)));
        store.shortenExpiry(b.id(), T0.plusSeconds(9), event(b.id(), KeyEventType.EXPIRY_CHANGED, T0.plusMillis(3)));

        List<KeyChange> feed = allChanges();
        assertThat(feed).extracting(KeyChange::type).containsExactly(KeyEventType.ISSUED, KeyEventType.ISSUED,
                KeyEventType.REVOKED, KeyEventType.COMPROMISED, KeyEventType.NOTE, KeyEventType.EXPIRY_CHANGED);
        assertThat(feed).extracting(KeyChange::keyId).containsExactly(a.id(), b.id(), a.id(), a.id(), b.id(), b.id());
        assertThat(feed).extracting(KeyChange::sequence).isSortedAccordingTo(Comparator.naturalOrder()).doesNotHaveDuplicates();
        assertThat(feed.get(3).at()).isEqualTo(T0.plusMillis(1));
        assertThat(store.latestSequence()).isEqualTo(feed.get(5).sequence());
    }

    @Test
    void whenALimitIsGivenThenTheFeedIsReadPageByPage() {
        for (int i = 0; i < 10; i++) {
            insert("acme", "k" + i);
        }
        List<KeyChange> all = allChanges();
        List<KeyChange> paged = new ArrayList<>();
        long after = 0;
        for (;;) {
            List<KeyChange> page = store.changesSince(after, 3).changes();
            assertThat(page.size()).isLessThanOrEqualTo(3);
            if (page.isEmpty()) {
                break;
            }
            paged.addAll(page);
            after = page.get(page.size() - 1).sequence();
        }
        assertThat(paged).isEqualTo(all);
        assertThat(store.changesSince(all.get(4).sequence(), 100).changes()).isEqualTo(all.subList(5, 10));
        assertThat(store.changesSince(store.latestSequence(), 100).changes()).isEmpty();
    }

    @Test
    void whenTheLimitIsNotPositiveThenIllegalArgument() {
        assertThatThrownBy(() -> store.changesSince(0, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void whenOldEntriesArePrunedThenOnlyThoseGoAndTheHistoryStays() {
        StoredKey s = insert("acme", "k");
        for (int i = 1; i <= 5; i++) {
            store.appendEvent(event(s.id(), KeyEventType.NOTE, T0.plus(Duration.ofDays(i))));
        }
        List<KeyChange> before = allChanges();

        assertThat(store.pruneChanges(T0.plus(Duration.ofDays(3)))).isEqualTo(3);

        assertThat(allChanges()).isEqualTo(before.subList(3, 6));
        assertThat(store.history(s.id())).hasSize(6);
        assertThat(store.latestSequence()).isEqualTo(before.get(5).sequence());
        assertThat(store.pruneChanges(T0.plus(Duration.ofDays(3)))).isZero();
    }

    @Test
    void whenEntriesAFollowerNeedsWerePrunedThenItsPageReportsAGap() {
        StoredKey s = insert("acme", "k");
        for (int i = 1; i <= 4; i++) {
            store.appendEvent(event(s.id(), KeyEventType.NOTE, T0.plus(Duration.ofDays(i))));
        }
        List<KeyChange> before = allChanges();
        store.pruneChanges(T0.plus(Duration.ofDays(2)));
        long lastPruned = before.get(1).sequence();

        ChangePage behind = store.changesSince(0, 100);
        assertThat(behind.gap()).isTrue();
        assertThat(behind.changes()).isEqualTo(before.subList(2, 5));
        assertThat(store.changesSince(lastPruned - 1, 100).gap()).isTrue();
        ChangePage caughtUp = store.changesSince(lastPruned, 100);
        assertThat(caughtUp.gap()).isFalse();
        assertThat(caughtUp.changes()).isEqualTo(before.subList(2, 5));
        assertThat(store.changesSince(store.latestSequence(), 100).gap()).isFalse();
    }

    @Test
    void whenEverythingIsPrunedThenNewEntriesStillContinueTheSequence() {
        insert("acme", "a");
        insert("acme", "b");
        long last = store.latestSequence();
        assertThat(store.pruneChanges(T0.plus(Duration.ofDays(365)))).isEqualTo(2);
        assertThat(store.latestSequence()).isEqualTo(last);
        assertThat(store.changesSince(0, 10).gap()).isTrue();

        StoredKey c = insert("acme", "c");
        List<KeyChange> page = store.changesSince(last, 10).changes();
        assertThat(page).singleElement().satisfies(ch -> {
            assertThat(ch.keyId()).isEqualTo(c.id());
            assertThat(ch.sequence()).isGreaterThan(last);
        });
        assertThat(store.changesSince(last, 10).gap()).isFalse();
    }

    @Test
    void whenManyThreadsWriteWhileAFollowerReadsThenTheFollowerSeesEverySequenceOnceAndInOrder() throws Exception {
        int writers = 4;
        int perWriter = 25;
        AtomicBoolean done = new AtomicBoolean();
        List<Long> seen = Collections.synchronizedList(new ArrayList<>());
        ExecutorService pool = Executors.newFixedThreadPool(writers + 1);
        try {
            Future<?> follower = pool.submit(() -> {
                long last = 0;
                boolean finalPass = false;
                while (true) {
                    boolean wasDone = done.get();
                    ChangePage page = store.changesSince(last, 1_000);
                    for (KeyChange c : page.changes()) {
                        if (c.sequence() <= last) {
                            throw new AssertionError("sequence " + c.sequence() + " after " + last);
                        }
                        last = c.sequence();
                        seen.add(last);
                    }
                    if (finalPass) {
                        return null;
                    }
                    finalPass = wasDone;
                    Thread.sleep(1); // pacing, so the writers get the database
                }
            });
            CountDownLatch go = new CountDownLatch(1);
            List<Future<?>> writing = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                int writer = w;
                writing.add(pool.submit(() -> {
                    go.await();
                    for (int i = 0; i < perWriter; i++) {
                        StoredKey s = insert("w" + writer, "k" + i);
                        if (i % 5 == 0) {
                            store.revoke(s.id(), new Revocation(T0, "r", "a"), false,
                                    List.of(event(s.id(), KeyEventType.REVOKED, T0)));
                        }
                    }
                    return null;
                }));
            }
            go.countDown();
            for (Future<?> f : writing) {
                f.get(120, TimeUnit.SECONDS);
            }
            done.set(true);
            follower.get(60, TimeUnit.SECONDS);
        } finally {
            pool.shutdownNow();
        }
        List<Long> all = allChanges().stream().map(KeyChange::sequence).toList();
        assertThat(all).hasSize(writers * perWriter + writers * (perWriter / 5));
        assertThat(seen).containsExactlyElementsOf(all);
    }

    /**
     * A push store calls its subscribers after each change; a store that does not push returns a
     * harmless registration (followers poll on their interval). Either way the change feed carries
     * every change in order — that is what followers read, the push only says when.
     */
    @Test
    void whenSubscribedThenAPushStoreCallsTheListenerAndEveryStoreHasTheChangesInItsFeed() throws Exception {
        boolean push = harness.supportsSubscriptions();
        long before = store.latestSequence();
        // A store may also call listeners when it (re)connects; only a call that finds the change
        // already visible counts as being told about it.
        AtomicLong target = new AtomicLong(Long.MAX_VALUE);
        CountDownLatch called = new CountDownLatch(1);
        StoredKey s;
        try (AutoCloseable subscription = store.subscribe(() -> {
            if (store.latestSequence() >= target.get()) {
                called.countDown();
            }
        })) {
            assertThat(subscription).isNotNull();
            target.set(store.latestSequence() + 1);
            s = insert("acme", "k");
            if (push) {
                assertThat(called.await(10, TimeUnit.SECONDS)).as("listener called after the insert").isTrue();
            }

            AtomicLong target2 = new AtomicLong(store.latestSequence() + 1);
            CountDownLatch again = new CountDownLatch(1);
            try (AutoCloseable second = store.subscribe(() -> {
                if (store.latestSequence() >= target2.get()) {
                    again.countDown();
                }
            })) {
                store.revoke(s.id(), new Revocation(T0, "r", "a"), false, List.of(event(s.id(), KeyEventType.REVOKED, T0)));
                if (push) {
                    assertThat(again.await(10, TimeUnit.SECONDS)).as("second listener called after the revoke").isTrue();
                }
            }
        }
        List<KeyChange> feed = store.changesSince(before, 100).changes();
        assertThat(feed).extracting(KeyChange::keyId).containsExactly(s.id(), s.id());
        assertThat(feed).extracting(KeyChange::type).containsExactly(KeyEventType.ISSUED, KeyEventType.REVOKED);
        assertThat(feed.get(1).sequence()).isGreaterThan(feed.get(0).sequence()).isEqualTo(store.latestSequence());
    }

    // ========================================================================= hostile values

    @Test
    void whenTextFieldsHoldHostileStringsThenTheyRoundTripVerbatim() {
        List<String> names = new ArrayList<>(HOSTILE);
        names.add("ä".repeat(200));
        names.add("🔑".repeat(100));
        for (String text : names) {
            String owner = text.length() <= 200 ? text : text.substring(0, 200);
            ApiKey key = minimalKey(newId(), owner, text);
            StoredKey s = stored(key);
            String actor = text.length() <= 200 ? text : "actor";
            KeyEvent issued = new KeyEvent(key.id(), KeyEventType.ISSUED, T0, actor, text);
            store.insert(s, issued);
            Revocation r = new Revocation(T0.plusMillis(1), text, actor);
            KeyEvent revoked = new KeyEvent(key.id(), KeyEventType.REVOKED, T0.plusMillis(1), actor, text);
            store.revoke(key.id(), r, false, List.of(revoked));

            StoredKey back = found(key.id());
            assertThat(back.key().owner()).isEqualTo(owner);
            assertThat(back.key().name()).isEqualTo(text);
            assertThat(back.key().revocation()).contains(r);
            assertThat(store.history(key.id())).containsExactly(issued, revoked);
            assertThat(store.list(KeyQuery.all().withOwner(owner))).extracting(StoredKey::id).contains(key.id());
        }
    }

    @Test
    void whenUsageDimensionsHoldHostileStringsThenTheyRoundTripVerbatim() {
        StoredKey s = insert("acme", "k");
        Instant minute = UsageRollup.minuteOf(T0);
        List<UsageRollup> rollups = new ArrayList<>();
        for (String text : HOSTILE) {
            String clipped = text.length() <= 200 ? text : text.substring(0, 200);
            rollups.add(new UsageRollup(s.id(), minute, "GET", clipped, "10.0.0.1", text, text, 200, 1, minute, minute));
        }
        rollups.add(new UsageRollup(s.id(), minute, "GET", "/", "10.0.0.1", "", "", 200, 1, minute, minute));
        store.applyUsage(batch(rollups, Map.of()));

        assertThat(store.usage(s.id(), minute, minute.plusSeconds(60))).containsExactlyInAnyOrderElementsOf(rollups);
    }

    @Test
    void whenARollupCarriesCharactersADatabaseCannotStoreThenItIsStoredVerbatimOrRefusedWithIllegalArgument() {
        StoredKey s = insert("acme", "k");
        Instant minute = UsageRollup.minuteOf(T0);
        List<String> awkward = List.of("nul\u0000inside", "lone \uD800 surrogate", "x".repeat(10_000));
        for (String text : awkward) {
            UsageRollup r = new UsageRollup(s.id(), minute, "GET", text, "10.0.0.1", text, text, 200, 1, minute, minute);
            Throwable thrown = catchThrowable(() -> store.applyUsage(batch(List.of(r), Map.of())));
            if (thrown != null) {
                assertThat(thrown).isInstanceOf(IllegalArgumentException.class);
                assertThat(thrown.getMessage()).doesNotContain(text);
            } else {
                assertThat(store.usage(s.id(), minute, minute.plusSeconds(60))).contains(r);
            }
        }
        assertThatCode(() -> store.usage(s.id(), minute, minute.plusSeconds(60))).doesNotThrowAnyException();
    }

    /** {@code text} with everything but printable ASCII escaped, and cut, for messages. */
    private static String printable(String text) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < Math.min(text.length(), 40); i++) {
            char c = text.charAt(i);
            out.append(c >= 0x20 && c < 0x7f ? String.valueOf(c) : String.format("\\u%04x", (int) c));
        }
        return text.length() > 40 ? out + "… (" + text.length() + " chars)" : out.toString();
    }

    /** Ids of {@code keys}, for messages. */
    protected static String ids(List<StoredKey> keys) {
        return keys.stream().map(StoredKey::id).collect(Collectors.joining(", "));
    }
}
