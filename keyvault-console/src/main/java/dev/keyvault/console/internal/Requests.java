package dev.keyvault.console.internal;

import java.util.List;
import java.util.Map;

/** The bodies the API takes, one record per request schema of the OpenAPI description. */
final class Requests {
    private Requests() {}

    /**
     * Create a key for {@code owner}; scopes, tier and environment from the owner's catalogue; an
     * optional IP allowlist (CIDR blocks) and, for operators, metadata.
     */
    record CreateKey(String owner, String name, List<String> scopes, String tier, String environment, String expiresAt,
            List<String> ipAllowlist, Map<String, String> metadata) {}

    /** Rotate a key; {@code reason} goes to its history. */
    record Rotate(String reason) {}

    /** Complete a rotation; forcing needs a reason. */
    record Complete(Boolean force, String reason) {}

    /** Revoke a key; {@code confirmName} must be the key's name, typed by the user. */
    record Revoke(String confirmName, String reason) {}

    /** The emergency rotation of a leaked key; {@code confirmName} as for {@link Revoke}. */
    record Emergency(String confirmName, String reason) {}

    /** Revoke every active key of an owner or a tag; a real run names the count its dry run showed. */
    record RevokeAll(String owner, String tag, String environment, String reason, Boolean dryRun, Integer expectedCount) {}
}
