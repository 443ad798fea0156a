package dev.keyvault.rotation;

import static java.util.Objects.requireNonNull;

import dev.keyvault.ApiKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * What a key was used for in a time window, from {@link dev.keyvault.rotation.RotationWorkflows#usageAudit(String, Instant, Instant)}:
 * the investigation after a leak ("what did they do with it, from where, and is anyone still trying").
 * Works on revoked keys; usage history is never deleted. Built from the stored per-minute rollups,
 * so every time here has minute granularity for grouping and millisecond precision for first/last
 * seen. Immutable and thread-safe.
 *
 * <p><b>Spikes.</b> The baseline is the median of the hourly request counts over the hours in which
 * the key was used at all, taken over the window and the {@link #BASELINE_LOOKBACK} before it (a
 * median, so a few abnormal hours do not raise it; hours without requests are left out, so a key
 * used only in office hours does not get a baseline of zero). An hour of the window is a spike when
 * it has more than {@link #SPIKE_FACTOR} times the baseline and at least {@link #SPIKE_MIN_REQUESTS}
 * requests.
 *
 * <p><b>After revocation.</b> A rollup counts as made after the revocation when its first request
 * was at or after it, or when it straddles the revocation and its status is 401 (the answer a
 * revoked key gets).
 *
 * @param key              the key, as stored when the audit was made
 * @param from             the window's start (inclusive, by rollup minute)
 * @param to               the window's end (exclusive, by rollup minute)
 * @param totalRequests    requests in the window
 * @param hourly           requests per hour for the hours of the window that had any, oldest first
 * @param endpoints        per method and endpoint, most requested first
 * @param clientIps        per client address, most requests first
 * @param baselinePerHour  the spike baseline (see above); 0 when the key has no usage to compare with
 * @param spikes           the hours above the baseline multiple, oldest first
 * @param afterRevocation  who used the key after it was revoked, per client and address, latest
 *                         first; empty for an active key
 * @param outsideAllowlist attempts with the right secret from addresses outside the key's IP
 *                         allowlist (refused as {@code IP_NOT_ALLOWED}), per address, most first — the
 *                         key is known to someone it was not meant for
 * @param refusedForCredits requests refused because the key's credits were exhausted
 */
public record UsageAudit(
        ApiKey key,
        Instant from,
        Instant to,
        long totalRequests,
        List<HourlyVolume> hourly,
        List<EndpointUsage> endpoints,
        List<ClientIpUsage> clientIps,
        double baselinePerHour,
        List<HourlyVolume> spikes,
        List<LateUse> afterRevocation,
        List<RefusedAddress> outsideAllowlist,
        long refusedForCredits) {

    /** An hour is a spike above this multiple of the baseline. */
    public static final double SPIKE_FACTOR = 5.0;
    /** An hour with fewer requests than this is never a spike, whatever the baseline. */
    public static final long SPIKE_MIN_REQUESTS = 10;
    /** How far before the window the spike baseline reaches. */
    public static final Duration BASELINE_LOOKBACK = Duration.ofDays(7);

    public UsageAudit {
        requireNonNull(key, "key");
        requireNonNull(from, "from");
        requireNonNull(to, "to");
        if (to.isBefore(from)) {
            throw new IllegalArgumentException("to is before from");
        }
        if (totalRequests < 0) {
            throw new IllegalArgumentException("totalRequests must not be negative");
        }
        hourly = List.copyOf(requireNonNull(hourly, "hourly"));
        endpoints = List.copyOf(requireNonNull(endpoints, "endpoints"));
        clientIps = List.copyOf(requireNonNull(clientIps, "clientIps"));
        if (!(baselinePerHour >= 0)) {
            throw new IllegalArgumentException("baselinePerHour must be a non-negative number");
        }
        spikes = List.copyOf(requireNonNull(spikes, "spikes"));
        afterRevocation = List.copyOf(requireNonNull(afterRevocation, "afterRevocation"));
        outsideAllowlist = List.copyOf(requireNonNull(outsideAllowlist, "outsideAllowlist"));
        if (refusedForCredits < 0) {
            throw new IllegalArgumentException("refusedForCredits must not be negative");
        }
    }

    /** The client addresses of the window that were never seen on this key before {@link #from()}. */
    public List<ClientIpUsage> newClientIps() {
        List<ClientIpUsage> out = new ArrayList<>();
        for (ClientIpUsage c : clientIps) {
            if (c.newInWindow()) {
                out.add(c);
            }
        }
        return List.copyOf(out);
    }

    /** Requests in the window that were refused for scope (status 403), over all endpoints. */
    public long refusedForScope() {
        long n = 0;
        for (EndpointUsage e : endpoints) {
            n += e.refusedForScope();
        }
        return n;
    }

    /** An audit without key-policy refusals (the form before key policies, kept for source compatibility). */
    public UsageAudit(ApiKey key, Instant from, Instant to, long totalRequests, List<HourlyVolume> hourly,
            List<EndpointUsage> endpoints, List<ClientIpUsage> clientIps, double baselinePerHour, List<HourlyVolume> spikes,
            List<LateUse> afterRevocation) {
        this(key, from, to, totalRequests, hourly, endpoints, clientIps, baselinePerHour, spikes, afterRevocation, List.of(), 0);
    }

    /** Attempts from outside the IP allowlist, over all addresses. */
    public long requestsOutsideAllowlist() {
        long n = 0;
        for (RefusedAddress r : outsideAllowlist) {
            n += r.requests();
        }
        return n;
    }

    /** Requests made after the key was revoked, over all clients. */
    public long requestsAfterRevocation() {
        long n = 0;
        for (LateUse l : afterRevocation) {
            n += l.requests();
        }
        return n;
    }

    /** Requests in one hour. */
    public record HourlyVolume(Instant hour, long requests) {
        public HourlyVolume {
            requireNonNull(hour, "hour");
            if (requests < 0) {
                throw new IllegalArgumentException("requests must not be negative");
            }
        }
    }

    /**
     * Requests to one endpoint.
     *
     * @param method          the request method
     * @param endpoint        the endpoint label
     * @param requests        all requests
     * @param refusedForScope those answered 403 that no key policy refused: the key lacked the scope
     *                        (an attacker probing, or a consumer that needs a wider key)
     * @param unauthorized    those answered 401 (after revocation or expiry)
     * @param firstSeen       the first request
     * @param lastSeen        the last request
     */
    public record EndpointUsage(String method, String endpoint, long requests, long refusedForScope, long unauthorized,
            Instant firstSeen, Instant lastSeen) {
        public EndpointUsage {
            requireNonNull(method, "method");
            requireNonNull(endpoint, "endpoint");
            if (requests <= 0 || refusedForScope < 0 || unauthorized < 0 || refusedForScope + unauthorized > requests) {
                throw new IllegalArgumentException("inconsistent counts");
            }
            requireNonNull(firstSeen, "firstSeen");
            requireNonNull(lastSeen, "lastSeen");
        }
    }

    /**
     * Requests from one client address.
     *
     * @param clientIp    the address
     * @param requests    its requests in the window
     * @param firstSeen   its first request in the window
     * @param lastSeen    its last request in the window
     * @param userAgents  the user agents it sent (sorted; empty if none)
     * @param consumers   the consumer labels the host gave its requests (sorted; empty if none)
     * @param newInWindow {@code true} if this address never used the key before the window
     */
    public record ClientIpUsage(String clientIp, long requests, Instant firstSeen, Instant lastSeen,
            Set<String> userAgents, Set<String> consumers, boolean newInWindow) {
        public ClientIpUsage {
            requireNonNull(clientIp, "clientIp");
            if (requests <= 0) {
                throw new IllegalArgumentException("requests must be positive");
            }
            requireNonNull(firstSeen, "firstSeen");
            requireNonNull(lastSeen, "lastSeen");
            userAgents = Collections.unmodifiableSortedSet(new TreeSet<>(requireNonNull(userAgents, "userAgents")));
            consumers = Collections.unmodifiableSortedSet(new TreeSet<>(requireNonNull(consumers, "consumers")));
        }
    }

    /**
     * Attempts from one address outside the key's IP allowlist.
     *
     * @param clientIp  the address
     * @param requests  how many
     * @param firstSeen the first of them in the window
     * @param lastSeen  the last of them in the window
     * @param endpoints the endpoints they tried (sorted)
     */
    public record RefusedAddress(String clientIp, long requests, Instant firstSeen, Instant lastSeen, Set<String> endpoints) {
        public RefusedAddress {
            requireNonNull(clientIp, "clientIp");
            if (requests <= 0) {
                throw new IllegalArgumentException("requests must be positive");
            }
            requireNonNull(firstSeen, "firstSeen");
            requireNonNull(lastSeen, "lastSeen");
            endpoints = Collections.unmodifiableSortedSet(new TreeSet<>(requireNonNull(endpoints, "endpoints")));
        }
    }

    /**
     * Someone still using the key after it was revoked.
     *
     * @param client    the consumer label, or IP and user agent (see {@link dev.keyvault.UsageRollup#client()})
     * @param clientIp  the address
     * @param requests  how many requests after the revocation
     * @param firstSeen the first of them
     * @param lastSeen  the last of them
     * @param endpoints the endpoints they called (sorted)
     */
    public record LateUse(String client, String clientIp, long requests, Instant firstSeen, Instant lastSeen,
            Set<String> endpoints) {
        public LateUse {
            requireNonNull(client, "client");
            requireNonNull(clientIp, "clientIp");
            if (requests <= 0) {
                throw new IllegalArgumentException("requests must be positive");
            }
            requireNonNull(firstSeen, "firstSeen");
            requireNonNull(lastSeen, "lastSeen");
            endpoints = Collections.unmodifiableSortedSet(new TreeSet<>(requireNonNull(endpoints, "endpoints")));
        }
    }
}
