package dev.keyvault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keyvault.memory.InMemoryKeyStore;
import dev.keyvault.rotation.RiskClass;
import dev.keyvault.rotation.RotationPolicy;
import dev.keyvault.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every bad input gets a clear NPE/IAE/ISE naming the argument, never a stack trace from deep inside. */
class ValidationTest {

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "\t", " leading", "trailing ", "nul\u0000", "cr\rlf\n", "bell\u0007", "del\u007f",
            "rlo\u202Eevil", "lrm\u200E", "isolate\u2066x", "lone\uD800surrogate", "lone\uDC00low"})
    void whenNameIsBlankPaddedOrHasControlOrDirectionCharactersThenRefused(String name) {
        assertThatThrownBy(() -> KeySpec.builder("acme", name)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("name");
    }

    @ParameterizedTest
    @ValueSource(strings = {"KB Sync Script — Production", "Robert'); DROP TABLE keys;--", "100% _wild_ \\ back\\slash",
            "emoji 🔑 key", "日本語の名前", "\"quoted\"", "a"})
    void whenNameIsOrdinaryOrHostileButPrintableThenAccepted(String name) {
        assertThat(KeySpec.builder("acme", name).build().name()).isEqualTo(name);
    }

    @Test
    void whenTextIsLongerThanItsLimitThenRefusedWithTheLimit() {
        assertThat(KeySpec.builder("acme", "x".repeat(200)).build().name()).hasSize(200);
        assertThatThrownBy(() -> KeySpec.builder("acme", "x".repeat(201))).hasMessageContaining("at most 200");
        assertThatThrownBy(() -> KeySpec.builder("x".repeat(10_000), "n")).hasMessageContaining("owner");
        assertThatThrownBy(() -> KeySpec.builder(null, "n")).isInstanceOf(NullPointerException.class).hasMessage("owner");
    }

    @Test
    void whenScopesTiersOrTagsBreakTheirCharsetThenRefused() {
        KeySpec.Builder b = KeySpec.builder("acme", "n");
        assertThat(b.scopes("kb:read", "kb:*", "billing.refund", "a-b_c").build().scopes()).hasSize(4);
        for (String bad : List.of("KB:READ", "", "with space", "x".repeat(65), "é", "a,b", "a;b")) {
            assertThatThrownBy(() -> KeySpec.builder("acme", "n").scopes(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
        List<String> many = new ArrayList<>();
        for (int i = 0; i < 65; i++) {
            many.add("s" + i);
        }
        assertThatThrownBy(() -> KeySpec.builder("acme", "n").scopes(many)).hasMessageContaining("at most 64");
        assertThatThrownBy(() -> KeySpec.builder("acme", "n").scopes("a", null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> KeySpec.builder("acme", "n").tier("Gold")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> KeySpec.builder("acme", "n").environment("prod env")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> KeySpec.builder("acme", "n").tags("a b")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> KeySpec.builder("acme", "n").riskClass(RiskClass.COMPROMISED)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void whenUsageEventFieldsAreInvalidThenRefusedButUserAgentsAreNormalized() {
        Instant t = Instant.parse("2026-01-01T00:00:00Z");
        assertThatThrownBy(() -> UsageEvent.of(t, "get", "/a", "10.0.0.1", 200)).hasMessageStartingWith("method");
        assertThatThrownBy(() -> UsageEvent.of(t, "GET", " ", "10.0.0.1", 200)).hasMessageStartingWith("endpoint");
        assertThatThrownBy(() -> UsageEvent.of(t, "GET", "/a", "10.0.0.1; DROP", 200)).hasMessageStartingWith("clientIp");
        assertThatThrownBy(() -> UsageEvent.of(t, "GET", "/a", "10.0.0.1", 99)).hasMessageContaining("status");
        assertThatThrownBy(() -> UsageEvent.of(t, "GET", "/a", "10.0.0.1", 600)).hasMessageContaining("status");
        assertThat(UsageEvent.of(t, "GET", "/a", "2001:db8::1%eth0", 200).clientIp()).isEqualTo("2001:db8::1%eth0");

        UsageEvent e = UsageEvent.of(t, "GET", "/a", "10.0.0.1", 200);
        assertThat(e.withUserAgent("  curl/8.0\r\nX-Injected: 1  ").userAgent()).contains("curl/8.0??X-Injected: 1");
        assertThat(e.withUserAgent("x".repeat(10_000)).userAgent()).get().asString().hasSize(256);
        assertThat(e.withUserAgent("   ").userAgent()).isEmpty();
        assertThat(e.withUserAgent("evil\u202Egnp.exe").userAgent()).contains("evil?gnp.exe");
        assertThatThrownBy(() -> e.withConsumer("bad\nlabel")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void whenBuilderOptionIsSetTwiceOrBadThenRefusedAtOnce() {
        assertThatThrownBy(() -> KeyManager.builder().keyPrefix("kv").keyPrefix("kb")).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("keyPrefix");
        assertThatThrownBy(() -> KeyManager.builder().clock(MutableClock.create()).clock(MutableClock.create()))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> KeyManager.builder().keyPrefix("KV")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> KeyManager.builder().cacheMaximumSize(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> KeyManager.builder().statusRefreshInterval(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> KeyManager.builder().usageFlushInterval(Duration.ofSeconds(-1))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> KeyManager.builder().maxConcurrentHashes(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> KeyManager.builder().store(null)).isInstanceOf(NullPointerException.class).hasMessage("store");
        assertThatThrownBy(() -> KeyManager.builder().build()).isInstanceOf(IllegalStateException.class).hasMessageContaining("store");
        assertThatThrownBy(() -> RotationPolicy.builder().warningWindow(Duration.ofDays(1)).warningWindow(Duration.ofDays(2)))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> RotationPolicy.builder().cadence(RiskClass.COMPROMISED, Duration.ofDays(1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> KeyHashers.hmacSha256(new byte[16], "p")).hasMessageContaining("32 bytes");
        assertThatThrownBy(() -> KeyHashers.argon2id(4, 1, 1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void whenManagerCallsGetBadArgumentsThenTheyAreRefusedAndVerifyNeverThrows() {
        try (KeyManager keys = KeyManager.inMemory(MutableClock.create())) {
            for (String id : new String[] {"", "short", "AAAAAAAAAAA!", "AAAAAAAAAAAAA", "' OR 1=1 --"}) {
                assertThatThrownBy(() -> keys.get(id)).as(id).isInstanceOf(IllegalArgumentException.class);
                assertThatThrownBy(() -> keys.revoke(id, "r", "a")).isInstanceOf(IllegalArgumentException.class);
                assertThatThrownBy(() -> keys.rotate(id)).isInstanceOf(IllegalArgumentException.class);
                assertThatThrownBy(() -> keys.recordUsage(id, UsageEvent.of(Instant.EPOCH, "GET", "/", "::1", 200)))
                        .isInstanceOf(IllegalArgumentException.class);
                assertThat(keys.verify(id)).isEqualTo(VerificationResult.Rejected.of(RejectionReason.MALFORMED));
            }
            IssuedKey k = keys.issue(KeySpec.builder("acme", "n").build());
            assertThatThrownBy(() -> keys.revoke(k.id(), " ", "a")).hasMessageStartingWith("reason");
            assertThatThrownBy(() -> keys.revoke(k.id(), "r", null)).isInstanceOf(NullPointerException.class);
            assertThatThrownBy(() -> keys.issue(null)).isInstanceOf(NullPointerException.class);
            assertThatThrownBy(() -> keys.rotate(k.id(), RotateOptions.defaults().withOverlapUntil(Instant.EPOCH)))
                    .hasMessageContaining("future");
            assertThatThrownBy(() -> keys.issue(KeySpec.builder("acme", "far").expiresAt(Instant.MAX).build()))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThat(keys.get(k.id())).map(ApiKey::isActive).contains(true);
            assertThat(keys.revoke(k.id(), "r", "a").key()).isNotEqualTo(Optional.empty());
        }
    }

    @Test
    void whenUsageIsRecordedForABadKeyIdWhileRollupsAreLiveThenRefusedAndNothingIsCounted() {
        MutableClock clock = MutableClock.create();
        try (KeyManager keys = KeyManager.inMemory(clock)) {
            IssuedKey k = keys.issue(KeySpec.builder("acme", "n").build());
            UsageEvent event = UsageEvent.of(clock.instant(), "GET", "/", "::1", 200);
            keys.recordUsage(k.id(), event); // a live rollup: later calls take the lookup-first path
            String sameLengthBadChars = k.id().substring(0, 11) + "!";
            String nonAscii = k.id().substring(0, 11) + "é";
            for (String id : new String[] {sameLengthBadChars, nonAscii, "' OR 1=1 --", "A".repeat(10_000), ""}) {
                assertThatThrownBy(() -> keys.recordUsage(id, event)).as(id).isInstanceOf(IllegalArgumentException.class);
            }
            assertThatThrownBy(() -> keys.recordUsage(null, event)).isInstanceOf(NullPointerException.class);
            keys.recordUsage(new String(k.id().toCharArray()), event); // equal, not the same instance
            keys.flush();
            assertThat(keys.usage(k.id(), clock.instant().minusSeconds(60), clock.instant().plusSeconds(60)))
                    .extracting(UsageRollup::count).containsExactly(2L);
        }
    }

    @Test
    void whenUsingTheInMemoryOneLinerThenNoBackgroundThreadIsStarted() {
        long before = Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith("keyvault-")).count();
        try (KeyManager keys = KeyManager.inMemory(MutableClock.create())) {
            long during = Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith("keyvault-")).count();
            assertThat(during).isEqualTo(before);
            assertThat(keys.toString()).contains("InMemoryKeyStore");
        }
        try (KeyManager withThread = KeyManager.builder().store(InMemoryKeyStore.create()).hasher(KeyHashers.hmacSha256()).build()) {
            assertThat(Thread.getAllStackTraces().keySet()).anyMatch(t -> t.getName().startsWith("keyvault-background"));
        }
    }
}
