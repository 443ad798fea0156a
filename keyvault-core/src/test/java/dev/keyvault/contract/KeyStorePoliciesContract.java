package dev.keyvault.contract;

import static dev.keyvault.contract.StoreValues.T0;
import static dev.keyvault.contract.StoreValues.issued;
import static dev.keyvault.contract.StoreValues.minimalKey;
import static dev.keyvault.contract.StoreValues.newId;
import static dev.keyvault.contract.StoreValues.stored;
import static java.util.Objects.requireNonNull;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keyvault.ApiKey;
import dev.keyvault.CreditRefill;
import dev.keyvault.DuplicateKeyException;
import dev.keyvault.IpAllowlist;
import dev.keyvault.KeyEvent;
import dev.keyvault.KeyEventType;
import dev.keyvault.KeyQuery;
import dev.keyvault.Revocation;
import dev.keyvault.UsageRollup;
import dev.keyvault.rotation.RiskClass;
import dev.keyvault.spi.CreditAccount;
import dev.keyvault.spi.DueQuery;
import dev.keyvault.spi.KeyChange;
import dev.keyvault.spi.KeyStore;
import dev.keyvault.spi.PredecessorCondition;
import dev.keyvault.spi.Restamp;
import dev.keyvault.spi.RotationStamp;
import dev.keyvault.spi.StoredKey;
import dev.keyvault.spi.UsageBatch;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The {@link KeyStore} contract for key policies, metadata, changes in place, stored rotation due
 * dates and usage retention: every store runs it unchanged, as a {@code @Nested} class of its
 * backend's test (see {@link StoreHarness}), beside {@link KeyStoreContract}.
 */
public abstract class KeyStorePoliciesContract {
    private static final Instant MINUTE = UsageRollup.minuteOf(T0);
    private static final String POLICY = "p1";

    private final StoreHarness harness;
    protected KeyStore store;

    protected KeyStorePoliciesContract(StoreHarness harness) {
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

    private static ApiKey withPolicies(String id, String owner, String name) {
        return minimalKey(id, owner, name).toBuilder().ipAllowlist(IpAllowlist.of("203.0.113.0/24", "2001:db8::/32", "198.51.100.7"))
                .metadata(Map.of("plan", "pro", "customer", "cus_42")).creditAccount(Optional.of(id)).build();
    }

    private static StoredKey stamped(ApiKey key, Instant dueAt) {
        return stored(key).withRotation(Optional.of(new RotationStamp(dueAt, POLICY)));
    }

    private StoredKey insert(StoredKey s) {
        store.insert(s, issued(s.key()));
        return found(s.id());
    }

    private StoredKey found(String id) {
        return store.find(id).orElseThrow(() -> new AssertionError("key " + id + " is missing"));
    }

    private static CreditAccount account(String id, long balance) {
        return new CreditAccount(id, balance, CreditRefill.daily(LocalTime.of(13, 30), 1_000), 0,
                Optional.of(Instant.parse("2026-03-01T13:30:00Z")));
    }

    private static KeyEvent event(String keyId, KeyEventType type, String detail) {
        return new KeyEvent(keyId, type, T0.plusSeconds(1), "alice", detail);
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

    // ================================================================================ round trip

    @Test
    void whenAKeyWithPoliciesAndAStampIsInsertedThenEveryFieldRoundTripsAtRevisionZero() {
        ApiKey key = withPolicies(newId(), "acme", "k");
        StoredKey s = stamped(key, T0.plus(Duration.ofDays(90)));
        store.insert(s.withRevision(7), Optional.of(account(key.id(), 500)), issued(key));

        StoredKey back = found(key.id());
        assertThat(back.key()).isEqualTo(key);
        assertThat(back.key().ipAllowlist().ranges()).containsExactly("203.0.113.0/24", "2001:db8::/32", "198.51.100.7/32");
        assertThat(back.key().metadata()).containsExactly(Map.entry("customer", "cus_42"), Map.entry("plan", "pro"));
        assertThat(back.rotation()).contains(new RotationStamp(T0.plus(Duration.ofDays(90)), POLICY));
        assertThat(back.revision()).isZero();
        assertThat(store.findCredits(key.id())).contains(account(key.id(), 500));
        assertThat(store.list(KeyQuery.all())).containsExactly(back);
    }

    @Test
    void whenMetadataHoldsHostileValuesThenTheyRoundTripAndFilterLiterally() {
        List<String> values = new ArrayList<>(KeyStoreContract.HOSTILE);
        values.add("%");
        values.add("_");
        values.add("a=b\\nc=d");
        Map<String, String> ids = new LinkedHashMap<>();
        for (int i = 0; i < values.size(); i++) {
            String v = values.get(i).length() <= 256 ? values.get(i) : values.get(i).substring(0, 256);
            ApiKey k = minimalKey(newId(), "acme", "k" + i).toBuilder().metadata(Map.of("v", v, "n", "x" + i)).build();
            insert(stored(k));
            ids.put(k.id(), v);
        }
        for (Map.Entry<String, String> e : ids.entrySet()) {
            assertThat(found(e.getKey()).key().metadata()).containsEntry("v", e.getValue());
            assertThat(store.list(KeyQuery.all().withMetadata("v", e.getValue()))).extracting(StoredKey::id)
                    .as("metadata value %s", e.getValue()).containsExactly(e.getKey());
        }
        assertThat(store.list(KeyQuery.all().withMetadata("v", "%"))).hasSize(1);
        assertThat(store.list(KeyQuery.all().withMetadata("v", "nothing"))).isEmpty();
        assertThat(store.list(KeyQuery.all().withMetadata("v", "_").withMetadata("n", "x" + values.indexOf("_")))).hasSize(1);
        assertThat(store.list(KeyQuery.all().withMetadata("v", "_").withMetadata("n", "x0"))).isEmpty();
    }

    @Test
    void whenMetadataIsAtItsBoundsThenItRoundTrips() {
        Map<String, String> big = new TreeMap<>();
        for (int i = 0; i < 16; i++) {
            big.put(("n" + i + "_").repeat(30).substring(0, 64), "🔑".repeat(128));
        }
        ApiKey k = minimalKey(newId(), "acme", "big").toBuilder().metadata(big).build();
        insert(stored(k));
        assertThat(found(k.id()).key().metadata()).isEqualTo(big);
        Map.Entry<String, String> first = big.entrySet().iterator().next();
        assertThat(store.list(KeyQuery.all().withMetadata(first.getKey(), first.getValue()))).hasSize(1);
    }

    // ===================================================================== revisions and stamps

    @Test
    void whenARowChangesThenItsRevisionGoesUpAndTheStampFollowsTheRules() {
        StoredKey a = insert(stamped(minimalKey(newId(), "acme", "a"), T0.plus(Duration.ofDays(365))));
        assertThat(a.revision()).isZero();

        store.shortenExpiry(a.id(), T0.plus(Duration.ofDays(30)), event(a.id(), KeyEventType.EXPIRY_CHANGED, "shorter"));
        assertThat(found(a.id()).revision()).isEqualTo(1);

        store.markCompromised(a.id(), event(a.id(), KeyEventType.COMPROMISED, "leak"));
        assertThat(found(a.id()).revision()).isEqualTo(2);
        assertThat(found(a.id()).rotation()).as("a compromised key is due since its creation")
                .contains(new RotationStamp(a.key().createdAt(), POLICY));

        StoredKey successor = stamped(a.key().successorBuilder(newId(), "a v2", T0.plusSeconds(60)).build(), T0.plus(Duration.ofDays(400)));
        assertThat(store.insertSuccessor(a.id(), Optional.empty(), successor, Optional.empty(), List.of(), PredecessorCondition.MUST_BE_ACTIVE))
                .isTrue();
        assertThat(found(a.id()).revision()).isEqualTo(3);
        assertThat(found(successor.id()).revision()).isZero();
        assertThat(found(successor.id()).rotation()).isEqualTo(successor.rotation());
        assertThat(found(successor.id()).key().creditAccount()).isEmpty();

        store.revoke(a.id(), new Revocation(T0.plusSeconds(120), "done", "ops"), false,
                List.of(event(a.id(), KeyEventType.REVOKED, "done")));
        assertThat(found(a.id()).revision()).isEqualTo(4);
        assertThat(found(a.id()).rotation()).as("a revoked key is never due").isEmpty();

        store.replaceHash(successor.id(), successor.hash(), "$test$v=2$other", event(successor.id(), KeyEventType.REHASHED, "r"));
        store.applyUsage(new UsageBatch(List.of(), Map.of(successor.id(), T0.plusSeconds(200))));
        assertThat(found(successor.id()).revision()).as("rehash and last use are not changes of the key").isZero();
    }

    // ======================================================================== change in place

    @Test
    void whenUpdatedAtTheExpectedRevisionThenOnlyTheChangeableFieldsChangeAndTheEventsAreAppended() {
        ApiKey original = KeyStoreContract.fullKey(newId(), "acme", "before");
        StoredKey s = insert(stamped(original, T0.plus(Duration.ofDays(90))));
        store.applyUsage(new UsageBatch(List.of(), Map.of(s.id(), T0.plusSeconds(5))));
        StoredKey current = found(s.id());

        ApiKey changed = ApiKey.builder(s.id(), "kv", "someone-else", "after", T0.plusSeconds(999))
                .scopes(Set.of("kb:read")).tier("free").environment("staging").tags(Set.of("other"))
                .riskClass(Optional.of(RiskClass.WRITE)).expiresAt(Optional.of(T0.plus(Duration.ofDays(10))))
                .ipAllowlist(IpAllowlist.of("10.0.0.0/8")).metadata(Map.of("plan", "free")).creditAccount(Optional.of(s.id()))
                .build();
        RotationStamp stamp = new RotationStamp(T0.plus(Duration.ofDays(180)), "p2");
        List<KeyEvent> events = List.of(event(s.id(), KeyEventType.SCOPES_WIDENED, "wider"), event(s.id(), KeyEventType.UPDATED, "x"));
        long before = store.latestSequence();

        assertThat(store.update(current.withKey(changed).withRotation(Optional.of(stamp)), current.revision(),
                Optional.of(account(s.id(), 70)), events)).isTrue();

        StoredKey back = found(s.id());
        ApiKey k = back.key();
        assertThat(k.name()).isEqualTo("after");
        assertThat(k.scopes()).containsExactly("kb:read");
        assertThat(k.tier()).isEqualTo("free");
        assertThat(k.riskClass()).contains(RiskClass.WRITE);
        assertThat(k.expiresAt()).contains(T0.plus(Duration.ofDays(10)));
        assertThat(k.ipAllowlist()).isEqualTo(IpAllowlist.of("10.0.0.0/8"));
        assertThat(k.metadata()).containsExactly(Map.entry("plan", "free"));
        assertThat(k.creditAccount()).contains(s.id());
        // what an update never changes stays as stored
        assertThat(k.owner()).isEqualTo(original.owner());
        assertThat(k.prefix()).isEqualTo(original.prefix());
        assertThat(k.environment()).isEqualTo(original.environment());
        assertThat(k.tags()).isEqualTo(original.tags());
        assertThat(k.createdAt()).isEqualTo(original.createdAt());
        assertThat(k.lastUsedAt()).contains(T0.plusSeconds(5));
        assertThat(k.predecessorId()).isEqualTo(original.predecessorId());
        assertThat(k.successorId()).isEqualTo(original.successorId());
        assertThat(k.compromised()).isEqualTo(original.compromised());
        assertThat(back.hash()).isEqualTo(s.hash());
        assertThat(back.rotation()).contains(stamp);
        assertThat(back.revision()).isEqualTo(current.revision() + 1);
        assertThat(store.findCredits(s.id())).contains(account(s.id(), 70));
        assertThat(store.history(s.id())).endsWith(events.toArray(new KeyEvent[0]));
        assertThat(store.changesSince(before, 100).changes()).extracting(KeyChange::type)
                .containsExactly(KeyEventType.SCOPES_WIDENED, KeyEventType.UPDATED);
        // the tag index still answers for the unchanged tags, the metadata index for the new metadata only
        assertThat(store.list(KeyQuery.all().withTag(original.tags().iterator().next()))).hasSize(1);
        assertThat(store.list(KeyQuery.all().withMetadata("plan", "free"))).hasSize(1);
    }

    @Test
    void whenTheRevisionDiffersOrTheKeyIsRevokedOrMissingThenTheUpdateChangesNothing() {
        StoredKey s = insert(stamped(minimalKey(newId(), "acme", "a"), T0.plusSeconds(100)));
        ApiKey renamed = rename(s.key(), "b");
        long seq = store.latestSequence();

        assertThat(store.update(s.withKey(renamed), 5, Optional.empty(), List.of(event(s.id(), KeyEventType.UPDATED, "x")))).isFalse();
        assertThat(found(s.id()).key().name()).isEqualTo("a");
        assertThat(store.latestSequence()).isEqualTo(seq);

        StoredKey missing = stored(minimalKey(newId(), "acme", "ghost"));
        assertThat(store.update(missing, 0, Optional.of(account(missing.id(), 1)), List.of())).isFalse();
        assertThat(store.find(missing.id())).isEmpty();
        assertThat(store.findCredits(missing.id())).isEmpty();

        store.revoke(s.id(), new Revocation(T0.plusSeconds(1), "r", "ops"), false, List.of());
        StoredKey revoked = found(s.id());
        assertThat(store.update(revoked.withKey(rename(s.key(), "c")), revoked.revision(), Optional.empty(),
                List.of(event(s.id(), KeyEventType.UPDATED, "x")))).isFalse();
        assertThat(found(s.id()).key().name()).isEqualTo("a");
        assertThat(store.history(s.id())).extracting(KeyEvent::type).doesNotContain(KeyEventType.UPDATED);
    }

    @Test
    void whenRenamedOntoAnotherActiveKeysNameThenDuplicateActiveNameAndNothingChangesButTheOldNameIsFreedByARename() {
        StoredKey a = insert(stored(minimalKey(newId(), "acme", "a")));
        StoredKey b = insert(stored(minimalKey(newId(), "acme", "b")));

        assertThatThrownBy(() -> store.update(b.withKey(rename(b.key(), "a")), 0, Optional.of(account(b.id(), 5)),
                List.of(event(b.id(), KeyEventType.UPDATED, "rename"))))
                .isInstanceOfSatisfying(DuplicateKeyException.class,
                        e -> assertThat(e.conflict()).isEqualTo(DuplicateKeyException.Conflict.ACTIVE_NAME));
        assertThat(found(b.id()).key().name()).isEqualTo("b");
        assertThat(found(b.id()).revision()).isZero();
        assertThat(store.findCredits(b.id())).isEmpty();
        assertThat(store.history(b.id())).extracting(KeyEvent::type).containsExactly(KeyEventType.ISSUED);

        assertThat(store.update(a.withKey(rename(a.key(), "c")), 0, Optional.empty(), List.of())).isTrue();
        assertThat(store.update(b.withKey(rename(b.key(), "a")), 0, Optional.empty(), List.of())).isTrue();
        assertThat(found(b.id()).key().name()).isEqualTo("a");
        assertThatThrownBy(() -> store.insert(stored(minimalKey(newId(), "acme", "c")), issued(minimalKey(newId(), "acme", "c"))))
                .isInstanceOf(DuplicateKeyException.class);
        insert(stored(minimalKey(newId(), "acme", "b"))); // free again
    }

    @Test
    void whenManyThreadsUpdateTheSameRevisionThenExactlyOneWins() throws Exception {
        StoredKey s = insert(stored(minimalKey(newId(), "acme", "a")));
        AtomicLong n = new AtomicLong();
        List<Boolean> won = race(8, () -> store.update(s.withKey(rename(s.key(), "name " + n.incrementAndGet())), 0,
                Optional.empty(), List.of(event(s.id(), KeyEventType.UPDATED, "race"))));
        assertThat(won.stream().filter(w -> w).count()).isEqualTo(1);
        assertThat(found(s.id()).revision()).isEqualTo(1);
        assertThat(store.history(s.id())).extracting(KeyEvent::type).containsOnlyOnce(KeyEventType.UPDATED);
    }

    private static ApiKey rename(ApiKey k, String name) {
        return ApiKey.builder(k.id(), k.prefix(), k.owner(), name, k.createdAt()).scopes(k.scopes()).tier(k.tier())
                .environment(k.environment()).tags(k.tags()).riskClass(k.riskClass()).expiresAt(k.expiresAt())
                .ipAllowlist(k.ipAllowlist()).metadata(k.metadata()).creditAccount(k.creditAccount()).build();
    }

    // ================================================================================= credits

    @Test
    void whenCreditsAreComparedAndSetThenOnlyTheExpectedGenerationAndBalanceAreReplaced() {
        String id = newId();
        insertWithCredits(id, 100);
        CreditAccount a = store.findCredits(id).orElseThrow();

        assertThat(store.replaceCredits(a.withBalance(99), a.withBalance(0))).as("stale balance").isFalse();
        CreditAccount otherGeneration = new CreditAccount(id, 100, a.refill(), 1, a.nextRefillAt());
        assertThat(store.replaceCredits(otherGeneration, a.withBalance(0))).as("stale generation").isFalse();
        assertThat(store.findCredits(id)).contains(a);

        CreditAccount refilled = new CreditAccount(id, 1_000, a.refill(), 1, Optional.of(Instant.parse("2026-03-02T13:30:00Z")));
        assertThat(store.replaceCredits(a, refilled)).isTrue();
        assertThat(store.findCredits(id)).contains(refilled);
        assertThat(store.findCredits(newId())).isEmpty();
        assertThat(store.history(id)).extracting(KeyEvent::type).containsExactly(KeyEventType.ISSUED);
    }

    @Test
    void whenManyThreadsTakeCreditsByCompareAndSetThenNoneIsTakenTwice() throws Exception {
        String id = newId();
        insertWithCredits(id, 2_000);
        List<Long> taken = race(8, () -> {
            long mine = 0;
            for (int i = 0; i < 500; i++) {
                for (;;) {
                    CreditAccount a = store.findCredits(id).orElseThrow();
                    if (a.balance() < 3) {
                        return mine;
                    }
                    if (store.replaceCredits(a, a.withBalance(a.balance() - 3))) {
                        mine += 3;
                        break;
                    }
                }
            }
            return mine;
        });
        long total = taken.stream().mapToLong(Long::longValue).sum();
        assertThat(total + store.findCredits(id).orElseThrow().balance()).isEqualTo(2_000);
        assertThat(store.findCredits(id).orElseThrow().balance()).isEqualTo(2_000 % 3);
    }

    private void insertWithCredits(String id, long balance) {
        ApiKey k = minimalKey(id, "acme", "credits " + id).toBuilder().creditAccount(Optional.of(id)).build();
        store.insert(stored(k), Optional.of(account(id, balance)), issued(k));
    }

    // ====================================================================== rotation due dates

    @Test
    void whenListingDueKeysThenTheyComeByDueDateThenIdWithinTheBoundsAndFiltersAndThePagesVisitEachOnce() {
        Instant due = T0.plus(Duration.ofDays(10));
        List<StoredKey> expected = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            Instant at = due.plus(Duration.ofHours(i % 7)); // ties in the due date are broken by id
            ApiKey k = minimalKey(newId(), i % 2 == 0 ? "acme" : "globex", "k" + i);
            if (i % 3 == 0) {
                k = KeyStoreContract.withEnvironmentAndTags(k, "production", Set.of("team:sync"));
            }
            if (i % 5 == 0) {
                k = k.toBuilder().metadata(Map.of("plan", "pro")).build();
            }
            expected.add(insert(stamped(k, at)));
        }
        StoredKey later = insert(stamped(minimalKey(newId(), "acme", "later"), due.plus(Duration.ofDays(30))));
        StoredKey expired = insert(stamped(KeyStoreContract.withExpiry(minimalKey(newId(), "acme", "expired"),
                Optional.of(due)), due));
        StoredKey revoked = insert(stamped(minimalKey(newId(), "acme", "revoked"), due));
        store.revoke(revoked.id(), new Revocation(T0, "r", "ops"), false, List.of());
        StoredKey unstamped = insert(stored(minimalKey(newId(), "acme", "unstamped")));
        expected.sort(Comparator.comparing((StoredKey s) -> s.rotation().get().dueAt()).thenComparing(StoredKey::id));

        Instant dueBy = due.plus(Duration.ofDays(1));
        List<StoredKey> paged = new ArrayList<>();
        Optional<Instant> afterDue = Optional.empty();
        Optional<String> afterId = Optional.empty();
        for (;;) {
            List<StoredKey> page = store.listRotationDue(new DueQuery(dueBy, due, KeyQuery.all(), afterDue, afterId, 7));
            paged.addAll(page);
            if (page.size() < 7) {
                break;
            }
            StoredKey last = page.get(page.size() - 1);
            afterDue = Optional.of(last.rotation().get().dueAt());
            afterId = Optional.of(last.id());
        }
        assertThat(paged).extracting(StoredKey::id).containsExactlyElementsOf(expected.stream().map(StoredKey::id).toList());
        assertThat(store.countRotationDue(new DueQuery(dueBy, due, KeyQuery.all(), Optional.of(due), Optional.of(newId()), 1),
                List.of(dueBy)))
                .as("counted over every page, the cursor and limit not used").containsExactly((long) expected.size());
        assertThat(store.countRotationDue(new DueQuery(dueBy, due, KeyQuery.all().withOwner("acme").withMetadata("plan", "pro"),
                Optional.empty(), Optional.empty(), 1), List.of(dueBy))).containsExactly(expected.stream()
                        .filter(s -> s.key().owner().equals("acme") && s.key().metadata().containsKey("plan")).count());
        // several due-by instants in one call, in any order, each counted as if it were the query's
        List<Instant> cuts = List.of(due.plus(Duration.ofDays(40)), due.minusMillis(1), due, dueBy);
        List<Long> counts = store.countRotationDue(new DueQuery(due, due.minusMillis(1), KeyQuery.all(), Optional.empty(),
                Optional.empty(), 1), cuts);
        for (int i = 0; i < cuts.size(); i++) {
            assertThat(counts.get(i)).as("count at " + cuts.get(i)).isEqualTo(store.listRotationDue(new DueQuery(cuts.get(i),
                    due.minusMillis(1), KeyQuery.all(), Optional.empty(), Optional.empty(), KeyQuery.MAX_LIMIT)).size());
        }
        DueQuery any = new DueQuery(dueBy, due, KeyQuery.all(), Optional.empty(), Optional.empty(), 1);
        assertThatThrownBy(() -> store.countRotationDue(any, List.of())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.countRotationDue(any, java.util.Collections.nCopies(KeyStore.MAX_DUE_COUNTS + 1, due)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(paged).extracting(StoredKey::id).doesNotContain(later.id(), expired.id(), revoked.id(), unstamped.id());

        assertThat(store.listRotationDue(new DueQuery(due.plus(Duration.ofDays(40)), due.minusMillis(1), KeyQuery.all(),
                Optional.empty(), Optional.empty(), 100))).extracting(StoredKey::id)
                .as("due-by is inclusive; a key expiring after activeAt is listed")
                .contains(later.id(), expired.id()).doesNotContain(revoked.id(), unstamped.id());
        assertThat(store.listRotationDue(new DueQuery(due, due.minusMillis(1), KeyQuery.all(), Optional.empty(), Optional.empty(),
                100))).extracting(s -> s.rotation().get().dueAt()).containsOnly(due);

        KeyQuery acmeProduction = KeyQuery.all().withOwner("acme").withEnvironment("production").withTag("team:sync");
        assertThat(store.listRotationDue(new DueQuery(dueBy, due, acmeProduction, Optional.empty(), Optional.empty(), 100)))
                .extracting(StoredKey::id).containsExactlyElementsOf(expected.stream()
                        .filter(s -> s.key().owner().equals("acme") && s.key().environment().equals("production"))
                        .map(StoredKey::id).toList());
        assertThat(store.listRotationDue(new DueQuery(dueBy, due, KeyQuery.all().withMetadata("plan", "pro"), Optional.empty(),
                Optional.empty(), 100))).extracting(StoredKey::id).containsExactlyElementsOf(expected.stream()
                        .filter(s -> s.key().metadata().containsKey("plan")).map(StoredKey::id).toList());
    }

    @Test
    void whenListingKeysToRestampThenActiveKeysWithoutOrWithAnotherStampComeByIdAndRestampIsConditional() {
        StoredKey none = insert(stored(minimalKey(newId(), "acme", "none")));
        StoredKey mine = insert(stamped(minimalKey(newId(), "acme", "mine"), T0));
        StoredKey other = insert(stored(minimalKey(newId(), "acme", "other")).withRotation(
                Optional.of(new RotationStamp(T0, "old-policy"))));
        StoredKey gone = insert(stored(minimalKey(newId(), "acme", "gone")));
        store.revoke(gone.id(), new Revocation(T0, "r", "ops"), false, List.of());

        assertThat(store.listToRestamp(Optional.empty(), Optional.empty(), 10)).extracting(StoredKey::id).containsExactly(none.id());
        List<StoredKey> stale = store.listToRestamp(Optional.of(POLICY), Optional.empty(), 10);
        assertThat(stale).extracting(StoredKey::id).containsExactlyElementsOf(
                List.of(none.id(), other.id()).stream().sorted().toList());
        assertThat(store.listToRestamp(Optional.of(POLICY), Optional.of(stale.get(0).id()), 10)).extracting(StoredKey::id)
                .containsExactly(stale.get(1).id());
        assertThat(store.listToRestamp(Optional.of(POLICY), Optional.empty(), 1)).hasSize(1);

        RotationStamp fresh = new RotationStamp(T0.plusSeconds(5), POLICY);
        store.shortenExpiry(other.id(), T0.plus(Duration.ofDays(1)), event(other.id(), KeyEventType.EXPIRY_CHANGED, "x"));
        int written = store.restamp(List.of(new Restamp(none.id(), 0, fresh), new Restamp(other.id(), 0, fresh),
                new Restamp(gone.id(), found(gone.id()).revision(), fresh), new Restamp(newId(), 0, fresh)));
        assertThat(written).as("only the key still at the expected revision and active").isEqualTo(1);
        assertThat(found(none.id()).rotation()).contains(fresh);
        assertThat(found(none.id()).revision()).as("a restamp is not a change of the key").isZero();
        assertThat(found(other.id()).rotation()).contains(new RotationStamp(T0, "old-policy"));
        assertThat(found(gone.id()).rotation()).isEmpty();
        assertThat(found(mine.id()).rotation()).contains(new RotationStamp(T0, POLICY));
        assertThat(store.restamp(List.of())).isZero();
    }

    // ==================================================================================== usage

    @Test
    void whenRollupsDifferOnlyInTheirRefusalThenTheyAreKeptApartAndRoundTrip() {
        String id = newId();
        UsageRollup plain = new UsageRollup(id, MINUTE, "GET", "/a", "203.0.113.9", "ua", "", 403, 2, MINUTE, MINUTE, "");
        UsageRollup outside = new UsageRollup(id, MINUTE, "GET", "/a", "203.0.113.9", "ua", "", 403, 3, MINUTE, MINUTE,
                "IP_NOT_ALLOWED");
        store.applyUsage(new UsageBatch(List.of(plain, outside), Map.of()));
        store.applyUsage(new UsageBatch(List.of(outside), Map.of()));
        assertThat(store.usage(id, MINUTE, MINUTE.plusSeconds(60))).containsExactlyInAnyOrder(plain,
                new UsageRollup(id, MINUTE, "GET", "/a", "203.0.113.9", "ua", "", 403, 6, MINUTE, MINUTE, "IP_NOT_ALLOWED"));
    }

    @Test
    void whenOldUsageIsDeletedThenOnlyRollupsBeforeTheCutAreDeletedInBatchesOfTheLimit() {
        String a = newId();
        String b = newId();
        List<UsageRollup> rollups = new ArrayList<>();
        for (int m = 0; m < 10; m++) {
            Instant minute = MINUTE.plusSeconds(60L * m);
            rollups.add(new UsageRollup(a, minute, "GET", "/x", "10.0.0." + m, "", "", 200, 1, minute, minute));
            rollups.add(new UsageRollup(b, minute, "GET", "/x", "10.0.0." + m, "", "", 200, 1, minute, minute));
        }
        store.applyUsage(new UsageBatch(rollups, Map.of()));
        Instant cut = MINUTE.plusSeconds(60L * 6);

        assertThat(store.deleteUsageBefore(cut, 5)).isEqualTo(5);
        assertThat(store.deleteUsageBefore(cut, 5)).isEqualTo(5);
        assertThat(store.deleteUsageBefore(cut, 5)).isEqualTo(2);
        assertThat(store.deleteUsageBefore(cut, 5)).isZero();
        Instant end = MINUTE.plusSeconds(3_600);
        assertThat(store.usage(a, MINUTE, end)).extracting(UsageRollup::minute).allMatch(m -> !m.isBefore(cut)).hasSize(4);
        assertThat(store.usage(b, MINUTE, end)).hasSize(4);
    }

    @Test
    void whenAddressesAreTruncatedThenRollupsThatBecomeEqualAreMergedAndEachIsProcessedOnce() {
        String id = newId();
        Instant later = MINUTE.plusSeconds(3_600);
        List<UsageRollup> rollups = List.of(
                new UsageRollup(id, MINUTE, "GET", "/x", "203.0.113.7", "ua", "", 200, 2, MINUTE.plusSeconds(1), MINUTE.plusSeconds(5)),
                new UsageRollup(id, MINUTE, "GET", "/x", "203.0.113.99", "ua", "", 200, 3, MINUTE.plusSeconds(2), MINUTE.plusSeconds(9)),
                new UsageRollup(id, MINUTE, "GET", "/x", "unknown", "ua", "", 200, 1, MINUTE, MINUTE),
                new UsageRollup(id, MINUTE, "GET", "/x", "2001:db8::1", "ua", "", 200, 4, MINUTE, MINUTE),
                new UsageRollup(id, later, "GET", "/x", "203.0.113.7", "ua", "", 200, 1, later, later));
        store.applyUsage(new UsageBatch(rollups, Map.of()));
        java.util.function.UnaryOperator<String> cut = ip -> ip.startsWith("203.0.113.") ? "203.0.113.0/24"
                : ip.startsWith("2001:db8:") ? "2001:db8::/32" : ip;

        int processed = 0;
        for (int n = 2; n == 2; ) {
            n = store.truncateUsageAddresses(later, 2, cut);
            processed += n;
        }
        assertThat(processed).isEqualTo(4);
        assertThat(store.truncateUsageAddresses(later, 10, cut)).as("each rollup is processed once").isZero();
        assertThat(store.usage(id, MINUTE, later.plusSeconds(60))).containsExactlyInAnyOrder(
                new UsageRollup(id, MINUTE, "GET", "/x", "203.0.113.0/24", "ua", "", 200, 5, MINUTE.plusSeconds(1),
                        MINUTE.plusSeconds(9)),
                new UsageRollup(id, MINUTE, "GET", "/x", "unknown", "ua", "", 200, 1, MINUTE, MINUTE),
                new UsageRollup(id, MINUTE, "GET", "/x", "2001:db8::/32", "ua", "", 200, 4, MINUTE, MINUTE),
                new UsageRollup(id, later, "GET", "/x", "203.0.113.7", "ua", "", 200, 1, later, later));

        // usage arriving later for an old minute (a node's delayed flush) is kept, and truncated by the next run
        store.applyUsage(new UsageBatch(List.of(new UsageRollup(id, MINUTE, "GET", "/x", "203.0.113.50", "ua", "", 200, 1,
                MINUTE.plusSeconds(30), MINUTE.plusSeconds(30))), Map.of()));
        assertThat(store.truncateUsageAddresses(later, 10, cut)).isEqualTo(1);
        assertThat(store.usage(id, MINUTE, MINUTE.plusSeconds(60))).filteredOn(r -> r.clientIp().equals("203.0.113.0/24"))
                .singleElement().satisfies(r -> assertThat(r.count()).isEqualTo(6));
    }

    @Test
    void whenUsageIsTruncatedWhileFlushesArriveThenNoRequestIsLostOrCountedTwice() throws Exception {
        String id = newId();
        Instant old = MINUTE;
        List<UsageRollup> seed = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            seed.add(new UsageRollup(id, old, "GET", "/x", "10.1." + (i / 100) + "." + (i % 100), "", "", 200, 1, old, old));
        }
        store.applyUsage(new UsageBatch(seed, Map.of()));
        java.util.function.UnaryOperator<String> cut = ip -> ip.startsWith("10.1.") ? "10.1.0.0/16" : ip;
        java.util.concurrent.atomic.AtomicInteger roles = new java.util.concurrent.atomic.AtomicInteger();
        List<Long> counts = race(4, () -> {
            boolean truncates = roles.getAndIncrement() % 2 == 0;
            long added = 0;
            for (int i = 0; i < 25; i++) {
                if (truncates) {
                    store.truncateUsageAddresses(old.plusSeconds(60), 20, cut);
                } else {
                    store.applyUsage(new UsageBatch(List.of(new UsageRollup(id, old, "GET", "/x", "10.1.9." + (i % 3), "", "", 200,
                            1, old, old)), Map.of()));
                    added++;
                }
            }
            return added;
        });
        while (store.truncateUsageAddresses(old.plusSeconds(60), 50, cut) > 0) {
            // finish
        }
        long expected = 200 + counts.stream().mapToLong(Long::longValue).sum();
        List<UsageRollup> after = store.usage(id, old, old.plusSeconds(60));
        assertThat(after.stream().mapToLong(UsageRollup::count).sum()).isEqualTo(expected);
        assertThat(after).extracting(UsageRollup::clientIp).containsOnly("10.1.0.0/16");
    }

    @Test
    void whenTheUsageOfSomeKeysIsErasedThenOnlyTheirsGoesInBatches() {
        String a = newId();
        String b = newId();
        String c = newId();
        List<UsageRollup> rollups = new ArrayList<>();
        for (int m = 0; m < 7; m++) {
            Instant minute = MINUTE.plusSeconds(60L * m);
            for (String id : List.of(a, b, c)) {
                rollups.add(new UsageRollup(id, minute, "GET", "/x", "10.0.0.1", "", "", 200, 1, minute, minute));
            }
        }
        store.applyUsage(new UsageBatch(rollups, Map.of()));

        assertThat(store.deleteUsage(List.of(a, b), 10)).isEqualTo(10);
        assertThat(store.deleteUsage(List.of(a, b), 10)).isEqualTo(4);
        assertThat(store.deleteUsage(List.of(a, b), 10)).isZero();
        Instant end = MINUTE.plusSeconds(3_600);
        assertThat(store.usage(a, MINUTE, end)).isEmpty();
        assertThat(store.usage(b, MINUTE, end)).isEmpty();
        assertThat(store.usage(c, MINUTE, end)).hasSize(7);
        assertThat(store.deleteUsage(List.of(), 10)).isZero();
        assertThat(store.deleteUsage(new HashSet<>(List.of(newId())), 10)).isZero();
    }
}
