package dev.keyvault.console.internal;

import jakarta.servlet.http.HttpServletResponse;

/**
 * The headers on every console response, page, asset, API answer and error alike. The policy allows
 * the console's own script and stylesheet and nothing inline: no {@code unsafe-inline}, no
 * {@code unsafe-eval}; Trusted Types are required with no policy, so the page cannot assign HTML
 * from a string at all (it builds every element with the DOM); no framing; nothing cached.
 */
public final class SecurityHeaders {
    public static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; "
            + "img-src 'self'; connect-src 'self'; manifest-src 'none'; form-action 'none'; base-uri 'none'; "
            + "frame-ancestors 'none'; require-trusted-types-for 'script'; trusted-types 'none'";

    private SecurityHeaders() {}

    public static void apply(HttpServletResponse response) {
        response.setHeader("Content-Security-Policy", CONTENT_SECURITY_POLICY);
        response.setHeader("Cache-Control", "no-store");
        response.setHeader("Pragma", "no-cache");
        response.setHeader("X-Content-Type-Options", "nosniff");
        response.setHeader("X-Frame-Options", "DENY");
        response.setHeader("Referrer-Policy", "no-referrer");
        response.setHeader("Cross-Origin-Opener-Policy", "same-origin");
        response.setHeader("Cross-Origin-Resource-Policy", "same-origin");
        response.setHeader("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=(), usb=()");
    }
}
