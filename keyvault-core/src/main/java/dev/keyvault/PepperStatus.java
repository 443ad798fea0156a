package dev.keyvault;

/** Whether a manager's hashes are keyed by a pepper kept outside the database ({@link KeyManager#pepperStatus()}). */
public enum PepperStatus {
    /** The default HMAC-SHA-256 under a configured pepper. */
    CONFIGURED,
    /**
     * The default HMAC-SHA-256 without a pepper, because none was configured: fine for development;
     * in production set {@value Peppers#ENVIRONMENT_VARIABLE} (the servlet filter's
     * {@code requirePepper} and the Spring starter refuse to start like this).
     */
    NOT_CONFIGURED,
    /** The default HMAC-SHA-256 without a pepper, chosen with {@code KeyManagerBuilder.withoutPepper()}. */
    DECLINED,
    /** The host chose its own hasher ({@code KeyManagerBuilder.hasher}); a pepper is its business. */
    NOT_APPLICABLE
}
