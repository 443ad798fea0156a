package dev.keyvault;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/**
 * Requests of one key in one minute, counted per (method, endpoint, client IP, user agent,
 * consumer, status). Usage is stored only in this form: one row per combination per minute, never
 * one per request.
 *
 * @param keyId     the key
 * @param minute    the start of the minute (UTC, whole minute)
 * @param method    the request method
 * @param endpoint  the endpoint label
 * @param clientIp  the client address
 * @param userAgent the normalized user agent, or {@code ""}
 * @param consumer  the host-assigned consumer label, or {@code ""}
 * @param status    the response status
 * @param count     how many requests
 * @param firstSeen the earliest of them
 * @param lastSeen  the latest of them
 * @param refusal   the name of the {@link RejectionReason} a key policy refused them with
 *                  ({@code IP_NOT_ALLOWED}, {@code CREDITS_EXHAUSTED}), or {@code ""}
 */
public record UsageRollup(
        String keyId,
        Instant minute,
        String method,
        String endpoint,
        String clientIp,
        String userAgent,
        String consumer,
        int status,
        long count,
        Instant firstSeen,
        Instant lastSeen,
        String refusal) {

    /**
     * The user agent of requests counted together because their key had more distinct user agents
     * in that minute than it may ({@code KeyManagerBuilder.maxUserAgentsPerKeyMinute}); the client
     * address is still their own.
     */
    public static final String OTHER_AGENTS = "(other user agents)";
    /** The consumer label of requests counted together, as {@link #OTHER_AGENTS} for consumer labels. */
    public static final String OTHER_CONSUMERS = "(other consumers)";
    /**
     * The client address (user agent and consumer are folded too) of requests counted together
     * because their key had more rollups in that minute than it may
     * ({@code KeyManagerBuilder.maxRollupsPerKeyMinute}).
     */
    public static final String OTHER_ADDRESSES = "(other addresses)";

    public UsageRollup {
        Syntax.keyId(keyId);
        requireNonNull(minute, "minute");
        if (minute.toEpochMilli() % 60_000 != 0) {
            throw new IllegalArgumentException("minute must be a whole minute");
        }
        requireNonNull(method, "method");
        requireNonNull(endpoint, "endpoint");
        requireNonNull(clientIp, "clientIp");
        requireNonNull(userAgent, "userAgent");
        requireNonNull(consumer, "consumer");
        if (count <= 0) {
            throw new IllegalArgumentException("count must be positive");
        }
        requireNonNull(firstSeen, "firstSeen");
        requireNonNull(lastSeen, "lastSeen");
        if (lastSeen.isBefore(firstSeen)) {
            throw new IllegalArgumentException("lastSeen before firstSeen");
        }
        requireNonNull(refusal, "refusal");
    }

    /** A rollup of requests no key policy refused (the form before key policies, kept for source compatibility). */
    public UsageRollup(String keyId, Instant minute, String method, String endpoint, String clientIp, String userAgent,
            String consumer, int status, long count, Instant firstSeen, Instant lastSeen) {
        this(keyId, minute, method, endpoint, clientIp, userAgent, consumer, status, count, firstSeen, lastSeen, "");
    }

    /** Whether a key policy refused these requests (see {@link #refusal()}). */
    public boolean isRefused() {
        return !refusal.isEmpty();
    }

    /** The start of the minute containing {@code at}. */
    public static Instant minuteOf(Instant at) {
        return Instant.ofEpochMilli(Math.floorDiv(at.toEpochMilli(), 60_000L) * 60_000L);
    }

    /** Whether some client dimension of this rollup is an "other" label (see {@link #OTHER_AGENTS}). */
    public boolean isFolded() {
        return clientIp.equals(OTHER_ADDRESSES) || userAgent.equals(OTHER_AGENTS) || consumer.equals(OTHER_CONSUMERS);
    }

    /** Who made these requests: the consumer label if the host gave one, otherwise IP and user agent. */
    public String client() {
        if (!consumer.isEmpty()) {
            return consumer;
        }
        return userAgent.isEmpty() ? clientIp : clientIp + " (" + userAgent + ")";
    }
}
