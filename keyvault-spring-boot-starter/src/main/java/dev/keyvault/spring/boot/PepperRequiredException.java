package dev.keyvault.spring.boot;

import dev.keyvault.Peppers;

/**
 * Start-up refused: a pepper is required ({@code keyvault.require-pepper}, true by default under a
 * {@code prod} or {@code production} profile) and none is configured. {@link PepperFailureAnalyzer}
 * explains it in Boot's start-up failure report.
 */
public final class PepperRequiredException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    PepperRequiredException() {
        super("keyvault requires a pepper and none is configured: set the environment variable " + Peppers.ENVIRONMENT_VARIABLE
                + " (or keyvault.pepper) to id:base64, such as v1:$(openssl rand -base64 32)");
    }
}
