package dev.keyvault.internal.rotation;

import dev.keyvault.ApiKey;
import dev.keyvault.Revocation;
import dev.keyvault.UsageRollup;
import dev.keyvault.rotation.UsageAudit.ClientIpUsage;
import dev.keyvault.rotation.UsageAudit.EndpointUsage;
import dev.keyvault.rotation.UsageAudit.HourlyVolume;
import dev.keyvault.rotation.UsageAudit.LateUse;
import dev.keyvault.rotation.UsageAudit.RefusedAddress;
import dev.keyvault.rotation.UsageAudit;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/** Builds a {@link UsageAudit} from a key's rollups; the rules are documented on {@code UsageAudit}. */
public final class UsageAuditor {
    private UsageAuditor() {}

    /**
     * @param key    the key as stored now
     * @param from   window start (inclusive)
     * @param to     window end (exclusive)
     * @param before the key's rollups before {@code from} (its whole earlier history)
     * @param window the key's rollups in {@code [from, to)}
     */
    public static UsageAudit audit(ApiKey key, Instant from, Instant to, List<UsageRollup> before, List<UsageRollup> window) {
        Set<String> seenBefore = new HashSet<>();
        TreeMap<Instant, Long> baselineHours = new TreeMap<>();
        Instant lookbackFrom = from.minus(UsageAudit.BASELINE_LOOKBACK);
        for (UsageRollup r : before) {
            seenBefore.add(r.clientIp());
            if (!r.minute().isBefore(lookbackFrom)) {
                baselineHours.merge(hour(r.minute()), r.count(), Long::sum);
            }
        }

        TreeMap<Instant, Long> hourly = new TreeMap<>();
        Map<String, EndpointAcc> endpoints = new LinkedHashMap<>();
        Map<String, IpAcc> ips = new LinkedHashMap<>();
        Map<String, LateAcc> late = new LinkedHashMap<>();
        Map<String, LateAcc> outside = new LinkedHashMap<>();
        long refusedForCredits = 0;
        Optional<Instant> revokedAt = key.revocation().map(Revocation::at);
        long total = 0;
        for (UsageRollup r : window) {
            total += r.count();
            if (r.refusal().equals("IP_NOT_ALLOWED")) {
                outside.computeIfAbsent(r.clientIp(), k -> new LateAcc(r.clientIp(), r.clientIp())).add(r);
            } else if (r.refusal().equals("CREDITS_EXHAUSTED")) {
                refusedForCredits += r.count();
            }
            hourly.merge(hour(r.minute()), r.count(), Long::sum);
            endpoints.computeIfAbsent(r.method() + ' ' + r.endpoint(), k -> new EndpointAcc(r.method(), r.endpoint())).add(r);
            ips.computeIfAbsent(r.clientIp(), k -> new IpAcc()).add(r);
            if (revokedAt.isPresent() && UsageRules.afterRevocation(r, revokedAt.get())) {
                late.computeIfAbsent(r.client() + '\u0000' + r.clientIp(), k -> new LateAcc(r.client(), r.clientIp())).add(r);
            }
        }
        hourly.forEach((h, n) -> baselineHours.merge(h, n, Long::sum));

        double baseline = median(baselineHours.values());
        List<HourlyVolume> hours = new ArrayList<>(hourly.size());
        List<HourlyVolume> spikes = new ArrayList<>();
        for (Map.Entry<Instant, Long> e : hourly.entrySet()) {
            HourlyVolume v = new HourlyVolume(e.getKey(), e.getValue());
            hours.add(v);
            if (baseline > 0 && v.requests() >= UsageAudit.SPIKE_MIN_REQUESTS
                    && v.requests() > UsageAudit.SPIKE_FACTOR * baseline) {
                spikes.add(v);
            }
        }

        List<EndpointUsage> endpointList = new ArrayList<>();
        for (EndpointAcc a : endpoints.values()) {
            endpointList.add(new EndpointUsage(a.method, a.endpoint, a.requests, a.forbidden, a.unauthorized, a.first, a.last));
        }
        endpointList.sort(Comparator.comparingLong(EndpointUsage::requests).reversed()
                .thenComparing(EndpointUsage::endpoint).thenComparing(EndpointUsage::method));

        List<ClientIpUsage> ipList = new ArrayList<>();
        for (Map.Entry<String, IpAcc> e : ips.entrySet()) {
            IpAcc a = e.getValue();
            ipList.add(new ClientIpUsage(e.getKey(), a.requests, a.first, a.last, a.userAgents, a.consumers,
                    !seenBefore.contains(e.getKey())));
        }
        ipList.sort(Comparator.comparingLong(ClientIpUsage::requests).reversed().thenComparing(ClientIpUsage::clientIp));

        List<LateUse> lateList = new ArrayList<>();
        for (LateAcc a : late.values()) {
            lateList.add(new LateUse(a.client, a.ip, a.requests, a.first, a.last, a.endpoints));
        }
        lateList.sort(Comparator.comparing(LateUse::lastSeen).reversed().thenComparing(LateUse::client));

        List<RefusedAddress> outsideList = new ArrayList<>();
        for (LateAcc a : outside.values()) {
            outsideList.add(new RefusedAddress(a.ip, a.requests, a.first, a.last, a.endpoints));
        }
        outsideList.sort(Comparator.comparingLong(RefusedAddress::requests).reversed().thenComparing(RefusedAddress::clientIp));

        return new UsageAudit(key, from, to, total, hours, endpointList, ipList, baseline, spikes, lateList, outsideList,
                refusedForCredits);
    }

    static Instant hour(Instant minute) {
        return minute.truncatedTo(ChronoUnit.HOURS);
    }

    static double median(java.util.Collection<Long> values) {
        if (values.isEmpty()) {
            return 0;
        }
        long[] v = new long[values.size()];
        int i = 0;
        for (long x : values) {
            v[i++] = x;
        }
        Arrays.sort(v);
        int mid = v.length / 2;
        return v.length % 2 == 1 ? v[mid] : (v[mid - 1] + v[mid]) / 2.0;
    }

    private abstract static class Span {
        long requests;
        Instant first;
        Instant last;

        void span(UsageRollup r) {
            requests += r.count();
            first = first == null ? r.firstSeen() : UsageRules.min(first, r.firstSeen());
            last = last == null ? r.lastSeen() : UsageRules.max(last, r.lastSeen());
        }
    }

    private static final class EndpointAcc extends Span {
        final String method;
        final String endpoint;
        long forbidden;
        long unauthorized;

        EndpointAcc(String method, String endpoint) {
            this.method = method;
            this.endpoint = endpoint;
        }

        void add(UsageRollup r) {
            span(r);
            if (r.status() == UsageRules.FORBIDDEN && !r.isRefused()) {
                forbidden += r.count();
            } else if (r.status() == UsageRules.UNAUTHORIZED) {
                unauthorized += r.count();
            }
        }
    }

    private static final class IpAcc extends Span {
        final TreeSet<String> userAgents = new TreeSet<>();
        final TreeSet<String> consumers = new TreeSet<>();

        void add(UsageRollup r) {
            span(r);
            if (!r.userAgent().isEmpty()) {
                userAgents.add(r.userAgent());
            }
            if (!r.consumer().isEmpty()) {
                consumers.add(r.consumer());
            }
        }
    }

    private static final class LateAcc extends Span {
        final String client;
        final String ip;
        final TreeSet<String> endpoints = new TreeSet<>();

        LateAcc(String client, String ip) {
            this.client = client;
            this.ip = ip;
        }

        void add(UsageRollup r) {
            span(r);
            endpoints.add(r.endpoint());
        }
    }
}
