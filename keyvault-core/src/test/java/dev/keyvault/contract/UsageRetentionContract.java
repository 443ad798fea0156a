package dev.keyvault.contract;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keyvault.IssuedKey;
import dev.keyvault.KeyManager;
import dev.keyvault.KeySpec;
import dev.keyvault.UsageEvent;
import dev.keyvault.UsageRetention;
import dev.keyvault.UsageRollup;
import dev.keyvault.rotation.UsageAudit;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Usage retention and erasure over a store: rollups deleted after the retention, addresses cut to
 * their network earlier, and an owner's usage erased on request — in batches, with the counts of
 * what remains exact. Every store runs this suite unchanged (see {@link StoreHarness}).
 */
public abstract class UsageRetentionContract extends ManagerFixture {

    protected UsageRetentionContract(StoreHarness harness) {
        super(harness);
    }

    private void use(KeyManager node, String keyId, String ip, int times) {
        for (int i = 0; i < times; i++) {
            node.recordUsage(keyId, UsageEvent.of(clock.instant(), "GET", "/kb/**", ip, 200, "agent/1"));
        }
    }

    @Test
    void whenTheRetentionAppliesThenOldRollupsAreDeletedAndOlderAddressesCutToTheirNetwork() {
        Instant t0 = clock.instant();
        IssuedKey k = issue("Kept", "kb:read");
        KeyManager node = track(node().usageRetention(UsageRetention.deleteAfter(Duration.ofDays(30))
                .withTruncateAddressesAfter(Duration.ofDays(7))).build());
        use(node, k.id(), "203.0.113.7", 2);
        use(node, k.id(), "203.0.113.99", 3);
        use(node, k.id(), "2001:db8:1:2::5", 1);
        clock.advance(Duration.ofDays(20));
        use(node, k.id(), "203.0.113.7", 4);
        clock.advance(Duration.ofDays(5));
        use(node, k.id(), "198.51.100.1", 5);
        node.flush();

        UsageRetention.Result first = node.applyUsageRetention(); // at day 25: truncate before day 18, delete before -5
        assertThat(first.deleted()).isZero();
        assertThat(first.truncated()).isEqualTo(3);
        List<UsageRollup> after = keys.usage(k.id(), t0.minusSeconds(60), clock.instant().plusSeconds(60));
        assertThat(after).extracting(UsageRollup::clientIp).containsExactlyInAnyOrder("203.0.113.0/24", "2001:db8:1::/48",
                "203.0.113.7", "198.51.100.1");
        assertThat(after.stream().mapToLong(UsageRollup::count).sum()).isEqualTo(15);
        assertThat(after).filteredOn(r -> r.minute().isBefore(t0.plusSeconds(60)) && r.clientIp().equals("203.0.113.0/24"))
                .singleElement().satisfies(r -> assertThat(r.count()).isEqualTo(5));

        clock.advance(Duration.ofDays(10)); // day 35: delete before day 5, truncate before day 28
        UsageRetention.Result second = node.applyUsageRetention();
        assertThat(second.deleted()).isEqualTo(2);
        assertThat(second.truncated()).isEqualTo(2);
        assertThat(keys.usage(k.id(), t0.minusSeconds(60), clock.instant())).extracting(UsageRollup::clientIp)
                .containsExactlyInAnyOrder("203.0.113.0/24", "198.51.100.0/24");
        assertThat(node.applyUsageRetention()).isEqualTo(new UsageRetention.Result(0, 0));
        UsageAudit audit = keys.rotation().usageAudit(k.id(), t0, clock.instant());
        assertThat(audit.totalRequests()).isEqualTo(9);
    }

    @Test
    void whenNoRetentionIsConfiguredThenNothingIsDeleted() {
        IssuedKey k = issue("Kept forever");
        use(keys, k.id(), "10.0.0.1", 1);
        keys.flush();
        clock.advance(Duration.ofDays(3_650));
        assertThat(keys.applyUsageRetention()).isEqualTo(new UsageRetention.Result(0, 0));
        assertThat(keys.usage(k.id(), Instant.EPOCH, clock.instant())).hasSize(1);
    }

    @Test
    void whenAnOwnersUsageIsErasedThenEveryRollupOfItsKeysGoesIncludingBufferedAndRevokedOnes() {
        IssuedKey a = issue("A");
        IssuedKey b = issue("B");
        IssuedKey gone = issue("Gone");
        IssuedKey other = keys.issue(KeySpec.builder("globex", "G").build());
        for (int m = 0; m < 30; m++) {
            use(keys, a.id(), "10.0.0." + m, 1);
            use(keys, gone.id(), "10.0.1." + m, 1);
            use(keys, other.id(), "10.0.2." + m, 1);
            clock.advance(Duration.ofMinutes(1));
        }
        keys.flush();
        keys.revoke(gone.id(), "closed", "ops");
        use(keys, b.id(), "10.9.9.9", 3); // buffered, not flushed yet

        long erased = keys.eraseUsage("acme");

        assertThat(erased).isEqualTo(61);
        Instant end = clock.instant().plusSeconds(3_600);
        for (IssuedKey k : List.of(a, b, gone)) {
            assertThat(keys.usage(k.id(), Instant.EPOCH, end)).as(k.key().name()).isEmpty();
        }
        keys.flush();
        assertThat(keys.usage(b.id(), Instant.EPOCH, end)).as("the buffer was written first, then erased").isEmpty();
        assertThat(keys.usage(other.id(), Instant.EPOCH, end)).hasSize(30);
        assertThat(keys.get(a.id()).orElseThrow().lastUsedAt()).as("the key keeps its last use").isPresent();
        assertThat(keys.eraseUsage("nobody")).isZero();
    }
}
