package dev.keyvault;

import static java.util.Objects.requireNonNull;

import dev.keyvault.internal.TokenFormat;
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
        Instant lastSeen) {

    public UsageRollup {
        TokenFormat.checkKeyId(keyId);
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
    }

    /** The start of the minute containing {@code at}. */
    public static Instant minuteOf(Instant at) {
        return Instant.ofEpochMilli(Math.floorDiv(at.toEpochMilli(), 60_000L) * 60_000L);
    }

    /** Who made these requests: the consumer label if the host gave one, otherwise IP and user agent. */
    public String client() {
        if (!consumer.isEmpty()) {
            return consumer;
        }
        return userAgent.isEmpty() ? clientIp : clientIp + " (" + userAgent + ")";
    }
}
