package dev.keyvault.console;

import static java.util.Objects.requireNonNull;

import dev.keyvault.console.spi.HostCsrf;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Optional;

/**
 * How the console's state-changing requests (every {@code POST}) are protected against cross-site
 * request forgery. Exactly one mechanism is active:
 *
 * <ul>
 *   <li>{@link #builtIn()} — the console's own, for a console mounted on its own (no security
 *       framework around it): the page gets a token from {@code GET api/session} and sends it in
 *       {@code X-CSRF-Token}; the token is an HMAC-SHA-256 over the user id and its issue time under a
 *       server key, valid for 12 hours, checked in constant time. Requests whose {@code Origin} is
 *       another origin, or whose {@code Sec-Fetch-Site} is {@code cross-site}, are refused as well.
 *       With several nodes behind a load balancer give each the same key:
 *       {@link #builtIn(byte[])}.</li>
 *   <li>{@link #host(HostCsrf)} — the host's, when its framework already checks a token on every
 *       state-changing request (Spring Security's {@code CsrfFilter}): the console checks no token
 *       itself and hands the page the host's token and header name. A POST for which the host has no
 *       token (its protection does not cover the console's path) is refused, never let through.</li>
 * </ul>
 *
 * Immutable and thread-safe.
 */
public final class CsrfProtection {
    private static final int MIN_SECRET = 32;

    private final byte[] secret;
    private final HostCsrf host;

    private CsrfProtection(byte[] secret, HostCsrf host) {
        this.secret = secret;
        this.host = host;
    }

    /** The console's own mechanism under a random key made now (tokens do not survive a restart). */
    public static CsrfProtection builtIn() {
        byte[] secret = new byte[MIN_SECRET];
        new SecureRandom().nextBytes(secret);
        return new CsrfProtection(secret, null);
    }

    /**
     * The console's own mechanism under {@code secret} (at least 32 bytes; copied), which every node
     * serving the console must share so a token issued by one is accepted by the others.
     */
    public static CsrfProtection builtIn(byte[] secret) {
        requireNonNull(secret, "secret");
        if (secret.length < MIN_SECRET) {
            throw new IllegalArgumentException("secret must be at least " + MIN_SECRET + " bytes");
        }
        return new CsrfProtection(secret.clone(), null);
    }

    /** The host's mechanism: it checks the token; the console only tells the page what to send. */
    public static CsrfProtection host(HostCsrf host) {
        return new CsrfProtection(null, requireNonNull(host, "host"));
    }

    /** Whether the console checks tokens itself. */
    public boolean isBuiltIn() {
        return host == null;
    }

    /** The host's mechanism, if this is not the built-in one. */
    public Optional<HostCsrf> hostCsrf() {
        return Optional.ofNullable(host);
    }

    /** The built-in mechanism's key (a copy); empty for the host's. */
    public Optional<byte[]> secret() {
        return secret == null ? Optional.empty() : Optional.of(Arrays.copyOf(secret, secret.length));
    }

    @Override
    public String toString() {
        return isBuiltIn() ? "CsrfProtection[built-in]" : "CsrfProtection[host]";
    }
}
