package dev.keyvault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keyvault.internal.AddressTruncation;
import dev.keyvault.internal.IpLiterals;
import dev.keyvault.rotation.RiskClass;
import dev.keyvault.rotation.RiskClassifier;
import dev.keyvault.rotation.RotationPolicy;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The values of key policies, checked at once: IP allowlists, metadata, credits and refills,
 * in-place changes, retention. Every hostile input is a clear exception naming the field, never
 * echoing it, or a documented normalization.
 */
class PolicyValuesTest {

    // ========================================================================= IP allowlists

    @Test
    void whenRangesAreValidThenTheyAreKeptInCanonicalFormInOrderWithoutDuplicates() {
        IpAllowlist list = IpAllowlist.of("203.0.113.0/24", "198.51.100.7", "2001:DB8:0:0:0:0:0:0/32", "2001:db8::/32",
                "::/0", "0.0.0.0/0", "fe80::/10", "2001:db8:0:0:1:0:0:1");
        assertThat(list.ranges()).containsExactly("203.0.113.0/24", "198.51.100.7/32", "2001:db8::/32", "::/0", "0.0.0.0/0",
                "fe80::/10", "2001:db8::1:0:0:1/128");
        assertThat(list.isEmpty()).isFalse();
        assertThat(list).isEqualTo(IpAllowlist.of(list.ranges()));
        assertThat(IpAllowlist.of()).isSameAs(IpAllowlist.none());
        assertThat(IpAllowlist.none().allows(null)).isTrue();
        assertThat(IpAllowlist.of("0.0.0.0/0").allows("192.0.2.1")).isTrue();
        assertThat(IpAllowlist.of("0.0.0.0/0").allows("2001:db8::1")).as("families do not mix").isFalse();
        assertThat(IpAllowlist.of("::/0").allows("::ffff:192.0.2.1")).as("IPv4-mapped is IPv4").isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "10.0.0.0/8 ", " 10.0.0.0/8", "10.0.0.0 /8", "10.0.0.0/ 8", "10.0.0.1/8", "10.0.0.0/33",
            "10.0.0.0/-1", "10.0.0.0/", "10.0.0.0/08", "10.0.0.0/8/8", "10.0.0.0/x", "10.0.0.0/4294967304", "256.0.0.0",
            "1.2.3", "1.2.3.4.5", "01.2.3.4", "1.2.3.04", "1..2.3", ".1.2.3", "1.2.3.4.", "0x0a.0.0.0", "10.0.0.0\u0000",
            "localhost", "example.com", "*", "10.*.*.*", "10.0.0.0-10.0.0.255", "2001:db8::/129", "2001:db8::1/64",
            "[2001:db8::]/32", "fe80::1%eth0", "fe80::%1/64", "2001:db8:::1", "2001:db8::g", "::ffff:10.0.0.0/104",
            "::ffff:10.0.0.1", "١٢٣.١.١.١", "１０.０.０.０", "10.0.0.0;DROP TABLE keys", "' OR 1=1 --", "${jndi:ldap://x}",
            "10.0.0.0\n10.0.0.1", "\u202E10.0.0.0/8"})
    void whenARangeIsGarbageThenItIsRefusedWithoutEchoingIt(String range) {
        assertThatThrownBy(() -> IpAllowlist.of("192.0.2.0/24", range))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("IP allowlist range 2")
                .satisfies(e -> {
                    if (range.strip().length() > 2) {
                        assertThat(e.getMessage()).doesNotContain(range.strip());
                    }
                });
    }

    @Test
    void whenThereAreTooManyRangesOrNullsThenRefused() {
        List<String> many = new ArrayList<>();
        for (int i = 0; i <= IpAllowlist.MAX_RANGES; i++) {
            many.add("10." + i + ".0.0/16");
        }
        assertThatThrownBy(() -> IpAllowlist.of(many)).hasMessageContaining("at most 64");
        assertThat(IpAllowlist.of(many.subList(0, 64)).ranges()).hasSize(64);
        assertThatThrownBy(() -> IpAllowlist.of("10.0.0.0/8", null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> IpAllowlist.of((String[]) null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> IpAllowlist.of("x".repeat(100_000))).hasMessageContaining("longer than 64");
    }

    @ParameterizedTest
    @ValueSource(strings = {"unknown", "", "10.0.0", "10.0.0.1 ", "010.0.0.1", "10.0.0.1%eth0x", "[10.0.0.1]", "10.0.0.1:443",
            "::ffff:11.0.0.1", "fe80::1%", "%eth0", "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"})
    void whenTheClientAddressIsNotAnAllowedLiteralThenItIsRefused(String address) {
        assertThat(IpAllowlist.of("10.0.0.0/8").allows(address)).isFalse();
    }

    @Test
    void whenAddressesAreFormattedThenTheyFollowRfc5952() {
        assertThat(format("2001:db8:0:0:0:0:2:1")).isEqualTo("2001:db8::2:1");
        assertThat(format("2001:db8:0:1:1:1:1:1")).as("a single zero group stays").isEqualTo("2001:db8:0:1:1:1:1:1");
        assertThat(format("2001:0:0:1:0:0:0:1")).as("the longest run").isEqualTo("2001:0:0:1::1");
        assertThat(format("2001:db8:0:0:1:0:0:1")).as("the first of equal runs").isEqualTo("2001:db8::1:0:0:1");
        assertThat(format("0:0:0:0:0:0:0:0")).isEqualTo("::");
        assertThat(format("0:0:0:0:0:0:0:1")).isEqualTo("::1");
        assertThat(format("1:0:0:0:0:0:0:0")).isEqualTo("1::");
        assertThat(format("2001:DB8::ABCD")).isEqualTo("2001:db8::abcd");
        assertThat(format("192.0.2.255")).isEqualTo("192.0.2.255");
    }

    private static String format(String literal) {
        return IpLiterals.format(IpLiterals.parse(literal, false));
    }

    @Test
    void whenAddressesAreTruncatedThenOnlyTheirNetworkStays() {
        AddressTruncation t = new AddressTruncation(24, 48);
        assertThat(t.apply("203.0.113.77")).isEqualTo("203.0.113.0/24");
        assertThat(t.apply("2001:db8:1:2::5")).isEqualTo("2001:db8:1::/48");
        assertThat(t.apply("::ffff:203.0.113.77")).isEqualTo("203.0.113.0/24");
        assertThat(t.apply("fe80::1%eth0")).isEqualTo("fe80::/48");
        for (String unchanged : List.of("unknown", "(other addresses)", "203.0.113.0/24", "")) {
            assertThat(t.apply(unchanged)).isEqualTo(unchanged);
        }
        assertThat(new AddressTruncation(0, 0).apply("203.0.113.77")).isEqualTo("0.0.0.0/0");
        assertThat(new AddressTruncation(32, 128).apply("2001:db8::1")).isEqualTo("2001:db8::1/128");
    }

    // ================================================================================ metadata

    @Test
    void whenMetadataBreaksItsBoundsThenItIsRefusedNamingTheRule() {
        Map<String, String> seventeen = new HashMap<>();
        for (int i = 0; i < 17; i++) {
            seventeen.put("k" + i, "v");
        }
        assertThatThrownBy(() -> KeySpec.builder("acme", "n").metadata(seventeen)).hasMessageContaining("at most 16");
        Map<String, String> huge = new HashMap<>();
        for (int i = 0; i < 100_000; i++) {
            huge.put("k" + i, "v".repeat(10));
        }
        assertThatThrownBy(() -> KeySpec.builder("acme", "n").metadata(huge)).hasMessageContaining("at most 16");
        for (String name : List.of("", "1plan", "_plan", "plan name", "plän", "план", "plan\u0000", "x".repeat(65), "a=b", "a\nb",
                "'; DROP TABLE keys; --", "a/b", "${x}")) {
            assertThatThrownBy(() -> KeySpec.builder("acme", "n").metadata(Map.of(name, "v"))).as(name)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("metadata names");
        }
        for (String value : List.of("", " ", " padded", "padded ", "nul\u0000", "line\nbreak", "tab\tinside", "rlo\u202Eevil",
                "lone\uD800", "x".repeat(257))) {
            assertThatThrownBy(() -> KeySpec.builder("acme", "n").metadata(Map.of("k", value))).as(value)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("metadata value");
        }
        Map<String, String> withNull = new HashMap<>();
        withNull.put("k", null);
        assertThatThrownBy(() -> KeySpec.builder("acme", "n").metadata(withNull)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> KeyQuery.all().withMetadata("bad name", "v")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> KeyQuery.all().withMetadata("k", "\u0000")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void whenMetadataIsHostileButPrintableThenItIsKeptVerbatimAndSorted() {
        Map<String, String> m = new TreeMap<>(Map.of("zeta", "Robert'); DROP TABLE keys;--", "alpha", "日本語 🔑 ключ",
                "a.b:c-d_e", "100% _wild_ \\ \"q\"", "html", "<img src=x onerror=alert(1)>"));
        KeySpec spec = KeySpec.builder("acme", "n").metadata(m).build();
        assertThat(spec.metadata()).containsExactlyEntriesOf(m);
        assertThatThrownBy(() -> spec.metadata().put("x", "y")).isInstanceOf(UnsupportedOperationException.class);
    }

    // ================================================================================= credits

    @Test
    void whenCreditsOrRefillsAreOutOfRangeThenRefused() {
        assertThatThrownBy(() -> Credits.of(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Credits.of(CreditRefill.MAX_CREDITS + 1)).isInstanceOf(IllegalArgumentException.class);
        assertThat(Credits.of(0).balance()).isZero();
        assertThatThrownBy(() -> CreditRefill.daily(LocalTime.of(1, 2, 3), 10)).hasMessageContaining("whole minutes");
        assertThatThrownBy(() -> CreditRefill.daily(LocalTime.NOON, 0)).hasMessageContaining("refill amount");
        assertThatThrownBy(() -> CreditRefill.monthly(0, 10)).hasMessageContaining("1-31");
        assertThatThrownBy(() -> CreditRefill.monthly(32, 10)).hasMessageContaining("1-31");
        assertThatThrownBy(() -> Credits.of(1).withRefill(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> VerificationRequest.of("t").withCost(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> VerificationRequest.of("t").withCost(VerificationRequest.MAX_COST + 1))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void whenRefillsAreEncodedThenTheyParseBackAndGarbageIsRefusedWithoutEcho() {
        for (CreditRefill r : List.of(CreditRefill.none(), CreditRefill.daily(LocalTime.of(0, 0), 1),
                CreditRefill.daily(LocalTime.of(23, 59), CreditRefill.MAX_CREDITS), CreditRefill.monthly(1, 5),
                CreditRefill.monthly(31, 1_000))) {
            assertThat(CreditRefill.parse(r.encode())).isEqualTo(r);
        }
        for (String bad : List.of("", "NONE", "daily", "daily@", "daily@24:00:5", "daily@12:60:5", "daily@1:00:5", "daily@12:00:0",
                "daily@12:00:-5", "daily@12:00:1000000000001", "daily@12:00:5:6", "monthly@0:5", "monthly@32:5", "monthly@1",
                "monthly@1:", "monthly@+1:5", "weekly@1:5", "daily@12:00:5 ", "daily@12:00:٥", "' OR 1=1 --",
                "daily@12:00:" + "9".repeat(100))) {
            assertThatThrownBy(() -> CreditRefill.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class)
                    .satisfies(e -> {
                        if (bad.length() > 8) {
                            assertThat(e.getMessage()).doesNotContain(bad);
                        }
                    });
        }
    }

    @Test
    void whenTheNextRefillIsAskedThenItIsStrictlyAfterTheGivenTime() {
        CreditRefill daily = CreditRefill.daily(LocalTime.of(13, 30), 5);
        assertThat(daily.nextAfter(Instant.parse("2026-06-01T13:29:59.999Z"))).contains(Instant.parse("2026-06-01T13:30:00Z"));
        assertThat(daily.nextAfter(Instant.parse("2026-06-01T13:30:00Z"))).contains(Instant.parse("2026-06-02T13:30:00Z"));
        CreditRefill monthly = CreditRefill.monthly(30, 5);
        assertThat(monthly.nextAfter(Instant.parse("2028-02-10T00:00:00Z"))).contains(Instant.parse("2028-02-29T00:00:00Z"));
        assertThat(monthly.nextAfter(Instant.parse("2028-12-30T00:00:00Z"))).contains(Instant.parse("2029-01-30T00:00:00Z"));
        assertThat(CreditRefill.none().nextAfter(Instant.EPOCH)).isEmpty();
    }

    // ============================================================================ updates, etc.

    @Test
    void whenAnUpdateIsBuiltThenEachFieldIsCheckedOnceAndAnEmptyUpdateIsRefused() {
        assertThatThrownBy(() -> KeyUpdate.builder().build()).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> KeyUpdate.builder().name("a").name("b")).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> KeyUpdate.builder().expiresAt(Instant.EPOCH).noExpiry()).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> KeyUpdate.builder().credits(Credits.of(1)).removeCredits()).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> KeyUpdate.builder().name(" padded")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> KeyUpdate.builder().scopes("BAD SCOPE")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> KeyUpdate.builder().tier("Gold")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> KeyUpdate.builder().actor("")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> KeyUpdate.builder().metadata(Map.of("bad name", "v"))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> KeyUpdate.builder().ipAllowlist(null)).isInstanceOf(NullPointerException.class);
        KeyUpdate u = KeyUpdate.builder().tier("gold").noExpiry().removeCredits().derivedRiskClass().build();
        assertThat(u.changesExpiry()).isTrue();
        assertThat(u.expiresAt()).isEmpty();
        assertThat(u.changesCredits()).isTrue();
        assertThat(u.credits()).isEmpty();
        assertThat(u.changesRiskClass()).isTrue();
        assertThat(u.riskClass()).isEmpty();
        assertThat(u.name()).isEmpty();
        assertThat(u.toString()).isEqualTo("KeyUpdate[tier, riskClass, expiry, credits, actor=system]");
    }

    @Test
    void whenARetentionIsContradictoryThenRefused() {
        assertThatThrownBy(() -> UsageRetention.deleteAfter(Duration.ofDays(7)).withTruncateAddressesAfter(Duration.ofDays(30)))
                .hasMessageContaining("before");
        assertThatThrownBy(() -> UsageRetention.deleteAfter(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> UsageRetention.truncateAddressesAfter(Duration.ofDays(-1))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> UsageRetention.keepEverything().withPrefixes(33, 48)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> UsageRetention.keepEverything().withPrefixes(24, 129)).isInstanceOf(IllegalArgumentException.class);
        assertThat(UsageRetention.keepEverything().isActive()).isFalse();
        assertThat(UsageRetention.deleteAfter(Duration.ofDays(1)).isActive()).isTrue();
    }

    @Test
    void whenThePolicyFingerprintIsComputedThenOnlyCadencesAndTheClassifierChangeIt() {
        RotationPolicy d = RotationPolicy.defaults();
        assertThat(d.fingerprint()).hasSize(16).matches("[0-9a-f]{16}");
        assertThat(RotationPolicy.builder().warningWindow(Duration.ofDays(3)).build().fingerprint()).isEqualTo(d.fingerprint());
        assertThat(RotationPolicy.builder().cadence(RiskClass.BROAD, Duration.ofDays(60)).build().fingerprint())
                .isNotEqualTo(d.fingerprint());
        RiskClassifier custom = new RiskClassifier() {
            @Override
            public RiskClass classify(java.util.Set<String> scopes) {
                return RiskClass.WRITE;
            }

            @Override
            public String id() {
                return "acme-rules-2";
            }
        };
        assertThat(RotationPolicy.builder().classifier(custom).build().fingerprint()).isNotEqualTo(d.fingerprint());
        RiskClassifier lambda = scopes -> RiskClass.READ_ONLY;
        assertThat(lambda.id()).isEqualTo(PolicyValuesTest.class.getName() + "$$Lambda");
    }

    @Test
    void whenARejectionNamesTheKeyThenItIsExactlyOneWhoseSecretMatched() {
        for (RejectionReason r : RejectionReason.values()) {
            if (r.secretMatched()) {
                assertThat(new VerificationResult.Rejected(r, Optional.of("AAAAAAAAAAAA")).keyId()).contains("AAAAAAAAAAAA");
                assertThatThrownBy(() -> VerificationResult.Rejected.of(r)).isInstanceOf(IllegalArgumentException.class);
            } else {
                assertThatThrownBy(() -> new VerificationResult.Rejected(r, Optional.of("AAAAAAAAAAAA")))
                        .isInstanceOf(IllegalArgumentException.class);
            }
        }
        assertThat(RejectionReason.IP_NOT_ALLOWED.secretMatched()).isTrue();
        assertThat(RejectionReason.CREDITS_EXHAUSTED.secretMatched()).isTrue();
    }
}
