package dev.keyvault.rotation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.groups.Tuple.tuple;

import dev.keyvault.IssuedKey;
import dev.keyvault.UnknownKeyException;
import dev.keyvault.contract.StoreHarness;
import dev.keyvault.rotation.UsageAudit.ClientIpUsage;
import dev.keyvault.rotation.UsageAudit.EndpointUsage;
import dev.keyvault.rotation.UsageAudit.HourlyVolume;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The rules of {@link UsageAudit}, each on usage built to the minute. */
public abstract class UsageAuditContract extends RotationFixture {
    static final Client A = Client.agent("192.0.2.1", "ua-one");
    static final Client B = Client.labelled("192.0.2.2", "billing");

    protected UsageAuditContract(StoreHarness harness) {
        super(harness);
    }

    private void at(Instant t, IssuedKey key, Client c, String method, String endpoint, int status, int times) {
        clock.set(t);
        for (int i = 0; i < times; i++) {
            keys.recordUsage(key.id(), event(c, method, endpoint, status));
        }
    }

    @Test
    void whenUsageIsAuditedThenHoursEndpointsAndAddressesAreCountedExactly() {
        IssuedKey key = issue("Reports", "reports:read");
        Instant ten = clock.instant().plus(Duration.ofHours(10));
        at(ten.plusSeconds(61), key, A, "GET", "/a", 200, 3);
        at(ten.plusSeconds(125), key, A, "POST", "/b", 403, 2);
        at(ten.plus(Duration.ofMinutes(70)), key, B, "GET", "/a", 200, 1);
        at(ten.minusSeconds(1), key, A, "GET", "/a", 200, 1); // before the window
        at(ten.plus(Duration.ofHours(2)), key, A, "GET", "/a", 200, 1); // at its exclusive end

        UsageAudit audit = keys.rotation().usageAudit(key.id(), ten, ten.plus(Duration.ofHours(2)));
        assertThat(audit.totalRequests()).isEqualTo(6);
        assertThat(audit.hourly()).containsExactly(new HourlyVolume(ten, 5), new HourlyVolume(ten.plus(Duration.ofHours(1)), 1));
        assertThat(audit.endpoints()).containsExactly(
                new EndpointUsage("GET", "/a", 4, 0, 0, ten.plusSeconds(61), ten.plus(Duration.ofMinutes(70))),
                new EndpointUsage("POST", "/b", 2, 2, 0, ten.plusSeconds(125), ten.plusSeconds(125)));
        assertThat(audit.refusedForScope()).isEqualTo(2);
        assertThat(audit.clientIps()).extracting(ClientIpUsage::clientIp, ClientIpUsage::requests, ClientIpUsage::userAgents,
                ClientIpUsage::consumers).containsExactly(
                        tuple("192.0.2.1", 5L, java.util.Set.of("ua-one"), java.util.Set.of()),
                        tuple("192.0.2.2", 1L, java.util.Set.of(), java.util.Set.of("billing")));
        assertThat(audit.clientIps().get(0).firstSeen()).isEqualTo(ten.plusSeconds(61));
        assertThat(audit.clientIps().get(0).lastSeen()).isEqualTo(ten.plusSeconds(125));
        assertThat(audit.newClientIps()).extracting(ClientIpUsage::clientIp).containsExactly("192.0.2.2");
        assertThat(audit.afterRevocation()).isEmpty();
    }

    @Test
    void whenTheBaselineIsTheMedianActiveHourThenOnlyHoursAboveFiveTimesItAndTenRequestsAreSpikes() {
        IssuedKey key = issue("Reports", "reports:read");
        Instant start = clock.instant();
        for (int h = 0; h < 20; h++) {
            at(start.plus(Duration.ofHours(h)), key, A, "GET", "/a", 200, 4);
        }
        Instant window = start.plus(Duration.ofDays(2));
        at(window, key, A, "GET", "/a", 200, 20); // exactly 5x: not a spike
        at(window.plus(Duration.ofHours(1)), key, A, "GET", "/a", 200, 21);

        UsageAudit audit = keys.rotation().usageAudit(key.id(), window, window.plus(Duration.ofHours(2)));
        assertThat(audit.baselinePerHour()).isEqualTo(4.0);
        assertThat(audit.spikes()).containsExactly(new HourlyVolume(window.plus(Duration.ofHours(1)), 21));

        IssuedKey quiet = issue("Quiet", "reports:read");
        for (int h = 0; h < 10; h++) {
            at(start.plus(Duration.ofHours(h)), quiet, A, "GET", "/a", 200, 1);
        }
        at(window, quiet, A, "GET", "/a", 200, 9);
        UsageAudit small = keys.rotation().usageAudit(quiet.id(), window, window.plus(Duration.ofHours(1)));
        assertThat(small.baselinePerHour()).isEqualTo(1.0);
        assertThat(small.spikes()).as("9 requests is 9x the baseline but below the minimum of 10").isEmpty();
    }

    @Test
    void whenHistoryIsOlderThanTheLookbackThenItStillMakesAddressesKnownButNotTheBaseline() {
        IssuedKey key = issue("Reports", "reports:read");
        Instant start = clock.instant();
        at(start, key, A, "GET", "/a", 200, 500);
        Instant window = start.plus(Duration.ofDays(30));
        for (int h = 0; h < 3; h++) {
            at(window.plus(Duration.ofHours(h)), key, A, "GET", "/a", 200, 2);
        }
        UsageAudit audit = keys.rotation().usageAudit(key.id(), window, window.plus(Duration.ofDays(1)));
        assertThat(audit.newClientIps()).isEmpty();
        assertThat(audit.baselinePerHour()).isEqualTo(2.0);
    }

    @Test
    void whenTheKeyIsRevokedThenRequestsAfterItAreAttributedByTheStraddlingRule() {
        IssuedKey key = issue("Reports", "reports:read");
        Instant minute = clock.instant().plus(Duration.ofHours(1));
        at(minute.plusSeconds(10), key, A, "GET", "/a", 200, 1);
        at(minute.plusSeconds(20), key, B, "GET", "/b", 401, 1);
        clock.set(minute.plusSeconds(30));
        keys.revoke(key.id(), "done", "ops");
        at(minute.plusSeconds(40), key, B, "GET", "/b", 401, 1);  // B's 401 rollup straddles: after
        at(minute.plusSeconds(50), key, A, "GET", "/a", 200, 1);  // A's 200 rollup straddles: before (a stale node)
        at(minute.plus(Duration.ofMinutes(5)), key, A, "GET", "/a", 401, 2);

        UsageAudit audit = keys.rotation().usageAudit(key.id(), minute, minute.plus(Duration.ofHours(1)));
        assertThat(audit.afterRevocation()).extracting(l -> l.client(), l -> l.requests())
                .containsExactly(tuple("192.0.2.1 (ua-one)", 2L), tuple("billing", 2L));
        assertThat(audit.requestsAfterRevocation()).isEqualTo(4);
        assertThat(audit.key().isActive()).isFalse();
    }

    @Test
    void whenArgumentsAreWrongThenItSaysSo() {
        IssuedKey key = issue("Reports", "reports:read");
        Instant now = clock.instant();
        assertThatThrownBy(() -> keys.rotation().usageAudit("AAAAAAAAAAAA", now, now)).isInstanceOf(UnknownKeyException.class);
        assertThatThrownBy(() -> keys.rotation().usageAudit(key.id(), now, now.minusSeconds(1))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> keys.rotation().usageAudit(key.id(), null, now)).isInstanceOf(NullPointerException.class);
        UsageAudit empty = keys.rotation().usageAudit(key.id(), now, now);
        assertThat(empty.totalRequests()).isZero();
        assertThat(empty.baselinePerHour()).isZero();
        assertThat(empty.spikes()).isEmpty();
    }
}
