package dev.keyvault;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.Optional;

/**
 * How long usage rollups keep what identifies a client. Rollups hold client addresses and user
 * agents — personal data in many jurisdictions — so a host can have them deleted after a while, and
 * their addresses cut to a network prefix earlier (IPv4 to a /24, IPv6 to a /48 by default:
 * {@code 203.0.113.77} becomes {@code 203.0.113.0/24}). Applied by
 * {@link KeyManager#applyUsageRetention()}, and by every manager with a background thread once an
 * hour, in batches of short transactions (safe while requests are recorded). Immutable.
 *
 * <pre>{@code
 * KeyManager.builder().usageRetention(UsageRetention.deleteAfter(Duration.ofDays(400))
 *         .withTruncateAddressesAfter(Duration.ofDays(30)))
 * }</pre>
 *
 * What it costs: the usage audit's "new addresses" and a rotation's client list see truncated
 * addresses for older minutes, and nothing for deleted ones; the key history (revocations, rotations)
 * is never deleted. Default of a manager: {@link #keepEverything()}, as before this setting existed.
 *
 * @param deleteAfter            rollups whose minute is older than this are deleted
 * @param truncateAddressesAfter rollups older than this keep only the network prefix of their address
 * @param ipv4Prefix             the IPv4 prefix kept, 0–32 (default 24)
 * @param ipv6Prefix             the IPv6 prefix kept, 0–128 (default 48)
 */
public record UsageRetention(Optional<Duration> deleteAfter, Optional<Duration> truncateAddressesAfter, int ipv4Prefix,
        int ipv6Prefix) {
    private static final UsageRetention KEEP = new UsageRetention(Optional.empty(), Optional.empty(), 24, 48);

    public UsageRetention {
        requireNonNull(deleteAfter, "deleteAfter").ifPresent(d -> positive("deleteAfter", d));
        requireNonNull(truncateAddressesAfter, "truncateAddressesAfter").ifPresent(d -> positive("truncateAddressesAfter", d));
        if (ipv4Prefix < 0 || ipv4Prefix > 32) {
            throw new IllegalArgumentException("ipv4Prefix must be 0-32, was " + ipv4Prefix);
        }
        if (ipv6Prefix < 0 || ipv6Prefix > 128) {
            throw new IllegalArgumentException("ipv6Prefix must be 0-128, was " + ipv6Prefix);
        }
        if (deleteAfter.isPresent() && truncateAddressesAfter.isPresent()
                && truncateAddressesAfter.get().compareTo(deleteAfter.get()) >= 0) {
            throw new IllegalArgumentException("addresses must be truncated before the rollups are deleted");
        }
    }

    private static void positive(String what, Duration d) {
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(what + " must be positive, was " + d);
        }
    }

    /** Nothing is deleted or truncated. */
    public static UsageRetention keepEverything() {
        return KEEP;
    }

    /** Rollups older than {@code age} are deleted. */
    public static UsageRetention deleteAfter(Duration age) {
        return KEEP.withDeleteAfter(age);
    }

    /** Rollups older than {@code age} keep only the network prefix of their client address. */
    public static UsageRetention truncateAddressesAfter(Duration age) {
        return KEEP.withTruncateAddressesAfter(age);
    }

    public UsageRetention withDeleteAfter(Duration age) {
        return new UsageRetention(Optional.of(requireNonNull(age, "age")), truncateAddressesAfter, ipv4Prefix, ipv6Prefix);
    }

    public UsageRetention withTruncateAddressesAfter(Duration age) {
        return new UsageRetention(deleteAfter, Optional.of(requireNonNull(age, "age")), ipv4Prefix, ipv6Prefix);
    }

    /** The network prefixes kept by truncation. */
    public UsageRetention withPrefixes(int ipv4, int ipv6) {
        return new UsageRetention(deleteAfter, truncateAddressesAfter, ipv4, ipv6);
    }

    /** Whether this retention does anything. */
    public boolean isActive() {
        return deleteAfter.isPresent() || truncateAddressesAfter.isPresent();
    }

    /**
     * What {@link KeyManager#applyUsageRetention()} did.
     *
     * @param deleted   rollups deleted
     * @param truncated rollups whose address was cut to its network (merged where they became equal)
     */
    public record Result(long deleted, long truncated) {}
}
