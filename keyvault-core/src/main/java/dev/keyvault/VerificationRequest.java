package dev.keyvault;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * What {@link KeyManager#verify(VerificationRequest)} checks: the presented token and what else is
 * known about the request. Key policies read what they need of it — an IP allowlist the client
 * address (a key with one fails closed when it is absent), usage credits the cost — so a new policy
 * adds a field here, never a new {@code verify} overload.
 *
 * <p>The token is kept as given (any string, even {@code null}: verification rejects it as
 * {@code MALFORMED}, never throws) and is never printed: {@link #toString()} masks it.
 *
 * @param token         the presented token, as received
 * @param clientAddress the client's address as the host resolved it (behind trusted proxies), if known;
 *                      {@code [0-9A-Za-z:.%_-]{1,64}}
 * @param cost          what the request costs a key with usage credits, 0–1,000,000 (0 checks
 *                      without spending); default 1
 */
public record VerificationRequest(String token, Optional<String> clientAddress, int cost) {
    /** The largest cost one request may have. */
    public static final int MAX_COST = 1_000_000;

    public VerificationRequest {
        requireNonNull(clientAddress, "clientAddress").ifPresent(Syntax::clientIp);
        if (cost < 0 || cost > MAX_COST) {
            throw new IllegalArgumentException("cost must be 0-" + MAX_COST + ", was " + cost);
        }
    }

    /** The token alone: no client address, cost 1. */
    public static VerificationRequest of(String token) {
        return new VerificationRequest(token, Optional.empty(), 1);
    }

    /** A copy with the client's address (see the parameter's syntax). */
    public VerificationRequest withClientAddress(String address) {
        return new VerificationRequest(token, Optional.of(requireNonNull(address, "address")), cost);
    }

    /** A copy with another cost. */
    public VerificationRequest withCost(int cost) {
        return new VerificationRequest(token, clientAddress, cost);
    }

    @Override
    public String toString() {
        return "VerificationRequest[token=<hidden>, clientAddress=" + clientAddress.orElse("-") + ", cost=" + cost + "]";
    }
}
