package dev.keyvault.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keyvault.ApiKey;
import dev.keyvault.CreditRefill;
import dev.keyvault.IssuedKey;
import dev.keyvault.KeyEvent;
import dev.keyvault.KeyEventType;
import dev.keyvault.KeyHashers;
import dev.keyvault.KeyManager;
import dev.keyvault.KeyQuery;
import dev.keyvault.KeySpec;
import dev.keyvault.KeyUpdate;
import dev.keyvault.RotateOptions;
import dev.keyvault.UsageEvent;
import dev.keyvault.UsageRollup;
import dev.keyvault.testing.MutableClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Every text field a host or a client can fill, with values that break naive SQL, LIKE patterns,
 * array literals and terminals, through a real manager on a real database: each is either stored and
 * read back verbatim, or refused with an {@link IllegalArgumentException}. Nothing else is acceptable,
 * least of all a SQL error.
 */
class HostileValuesTest {
    private static final List<String> VALUES = List.of(
            "O'Brien", "\"double\"", "`back`", "'); DROP TABLE keyvault_keys; --", "x'; UPDATE keyvault_keys SET status='ACTIVE",
            ";", "a;b;", "%", "_", "100%_off", "\\", "back\\slash\\\\", "\\'", "NULL", "null", "{a,\"b\"}", "[1,2]", "$1", ":name",
            "?", "<script>alert(1)</script>", "nul\u0000inside", "bell\u0007", "line\nbreak", "tab\there",
            "\u202Eevil right-to-left override", "rtl mark \u200F here", "arabic letter mark \u061C", "لوحة المفاتيح",
            "emoji 🔑👩‍💻🇩🇪", "🔑".repeat(100), "e\u0301 combining", "日本語の名前", "ü".repeat(200), "ü".repeat(201),
            "x".repeat(10_000), "", " ", " leading", "trailing ", "lone \uD800 surrogate", "\uFEFFbom", "zero\u200Bwidth");

    @Test
    void whenEveryTextFieldGetsHostileValuesOnH2ThenEachIsVerbatimOrRefused() {
        try (TestDatabase db = TestDatabase.h2Memory()) {
            run(db);
        }
    }

    @Test
    void whenEveryTextFieldGetsHostileValuesOnPostgresThenEachIsVerbatimOrRefused() {
        try (TestDatabase db = TestDatabase.postgres()) {
            run(db);
        }
    }

    private void run(TestDatabase db) {
        MutableClock clock = MutableClock.create();
        Map<String, int[]> outcomes = new TreeMap<>();
        // every hostile value must reach the store verbatim: no folding of the many user agents and consumer labels
        try (KeyManager keys = KeyManager.builder().store(db.migratedStore()).clock(clock).hasher(KeyHashers.hmacSha256())
                .maxUserAgentsPerKeyMinute(10_000)
                .usageFlushInterval(Duration.ZERO).changeFeedPollInterval(Duration.ZERO).build()) {
            IssuedKey target = keys.issue(KeySpec.builder("target", "usage target").build());
            List<UsageEvent> recorded = new ArrayList<>();
            for (int i = 0; i < VALUES.size(); i++) {
                String v = VALUES.get(i);
                String owner = "owner " + i;

                attempt(outcomes, "owner", () -> {
                    IssuedKey k = keys.issue(KeySpec.builder(v, "n").build());
                    assertThat(keys.get(k.id()).orElseThrow().owner()).isEqualTo(v);
                    assertThat(keys.list(KeyQuery.all().withOwner(v))).extracting(ApiKey::id).containsExactly(k.id());
                    return k;
                });
                attempt(outcomes, "name", () -> {
                    IssuedKey k = keys.issue(KeySpec.builder("names " + owner, v).build());
                    assertThat(keys.get(k.id()).orElseThrow().name()).isEqualTo(v);
                    return k;
                });
                IssuedKey k = attempt(outcomes, "issue actor", () -> {
                    IssuedKey issued = keys.issue(KeySpec.builder(owner, "by actor").actor(v).build());
                    assertThat(keys.history(issued.id()).get(0).actor()).isEqualTo(v);
                    return issued;
                });
                IssuedKey subject = k != null ? k : keys.issue(KeySpec.builder(owner, "by actor").build());

                IssuedKey successor = attempt(outcomes, "rotate name+reason+actor", () -> {
                    IssuedKey next = keys.rotate(subject.id(), RotateOptions.defaults().withSuccessorName(v).withReason(v).withActor(v));
                    assertThat(keys.get(next.id()).orElseThrow().name()).isEqualTo(v);
                    KeyEvent rotated = keys.history(subject.id()).stream().filter(e -> e.type() == KeyEventType.ROTATED)
                            .findFirst().orElseThrow();
                    assertThat(rotated.actor()).isEqualTo(v);
                    assertThat(rotated.detail()).endsWith(": " + v);
                    return next;
                });
                attempt(outcomes, "revoke reason+actor", () -> {
                    keys.revoke(subject.id(), v, v);
                    ApiKey revoked = keys.get(subject.id()).orElseThrow();
                    assertThat(revoked.revocation().orElseThrow().reason()).isEqualTo(v);
                    assertThat(revoked.revocation().orElseThrow().actor()).isEqualTo(v);
                    return revoked;
                });
                if (successor != null) {
                    keys.revoke(successor.id(), "cleanup", "test");
                }

                attempt(outcomes, "usage endpoint", () -> record(keys, recorded, target,
                        UsageEvent.of(clock.instant(), "GET", v, "10.0.0.1", 200)));
                attempt(outcomes, "usage consumer", () -> record(keys, recorded, target,
                        UsageEvent.of(clock.instant(), "GET", "/c", "10.0.0.2", 200).withConsumer(v)));
                attempt(outcomes, "usage user agent", () -> record(keys, recorded, target,
                        UsageEvent.of(clock.instant(), "GET", "/u", "10.0.0.3", 200).withUserAgent(v)));
                attempt(outcomes, "usage method", () -> record(keys, recorded, target,
                        UsageEvent.of(clock.instant(), v, "/m", "10.0.0.4", 200)));
                attempt(outcomes, "usage client ip", () -> record(keys, recorded, target,
                        UsageEvent.of(clock.instant(), "GET", "/i", v, 200)));
                attempt(outcomes, "metadata value", () -> {
                    IssuedKey m = keys.issue(KeySpec.builder(owner, "with metadata").metadata(Map.of("v", v)).build());
                    assertThat(keys.get(m.id()).orElseThrow().metadata()).containsEntry("v", v);
                    assertThat(keys.list(KeyQuery.all().withOwner(owner).withMetadata("v", v))).extracting(ApiKey::id)
                            .containsExactly(m.id());
                    return m;
                });
                attempt(outcomes, "metadata name", () -> keys.issue(KeySpec.builder(owner, "with named metadata")
                        .metadata(Map.of(v, "x")).build()));
                attempt(outcomes, "update name+actor", () -> {
                    IssuedKey u = keys.issue(KeySpec.builder(owner, "to rename").build());
                    ApiKey renamed = keys.update(u.id(), KeyUpdate.builder().name(v).actor(v).build());
                    assertThat(keys.get(u.id()).orElseThrow()).isEqualTo(renamed);
                    assertThat(renamed.name()).isEqualTo(v);
                    assertThat(keys.history(u.id())).last().satisfies(e -> assertThat(e.actor()).isEqualTo(v));
                    return renamed;
                });
                attempt(outcomes, "ip allowlist", () -> keys.issue(KeySpec.builder(owner, "allowlisted").ipAllowlist(v).build()));
                attempt(outcomes, "credit refill", () -> CreditRefill.parse(v));
                attempt(outcomes, "query metadata", () -> keys.list(KeyQuery.all().withMetadata("plan", v)));
                attempt(outcomes, "query owner", () -> keys.list(KeyQuery.all().withOwner(v)));
                attempt(outcomes, "query tag", () -> keys.list(KeyQuery.all().withTag(v)));
            }
            keys.flush();
            List<UsageRollup> stored = keys.usage(target.id(), clock.instant().minusSeconds(60), clock.instant().plusSeconds(60));
            for (UsageEvent e : recorded) {
                assertThat(stored).as("usage recorded with %s", e).anySatisfy(r -> {
                    assertThat(r.method()).isEqualTo(e.method());
                    assertThat(r.endpoint()).isEqualTo(e.endpoint());
                    assertThat(r.clientIp()).isEqualTo(e.clientIp());
                    assertThat(r.userAgent()).isEqualTo(e.userAgent().orElse(""));
                    assertThat(r.consumer()).isEqualTo(e.consumer().orElse(""));
                });
            }
        }
        outcomes.forEach((field, n) -> System.out.printf("%s %-26s stored verbatim %2d, refused %2d%n", db.dialect(), field, n[0], n[1]));
        assertThat(outcomes.get("name")[0]).as("most names are fine").isGreaterThan(20);
        assertThat(outcomes.get("name")[1]).as("NUL, controls, direction marks, blanks, too long are refused").isGreaterThan(5);
        assertThat(outcomes.get("metadata value")[0]).as("most values are fine").isGreaterThan(20);
        assertThat(outcomes.get("metadata name")[0]).as("only NULL and null are names").isEqualTo(2);
        assertThat(outcomes.get("ip allowlist")[0]).as("no hostile string is a CIDR block").isZero();
        assertThat(outcomes.get("credit refill")[0]).isZero();
    }

    private static UsageEvent record(KeyManager keys, List<UsageEvent> recorded, IssuedKey target, UsageEvent e) {
        keys.recordUsage(target.id(), e);
        recorded.add(e);
        return e;
    }

    /** Runs {@code body}; an IllegalArgumentException is a refusal, anything else thrown fails the test. */
    private static <T> T attempt(Map<String, int[]> outcomes, String field, Supplier<T> body) {
        int[] n = outcomes.computeIfAbsent(field, f -> new int[2]);
        try {
            T result = body.get();
            n[0]++;
            return result;
        } catch (IllegalArgumentException refused) {
            n[1]++;
            return null;
        }
    }

}
