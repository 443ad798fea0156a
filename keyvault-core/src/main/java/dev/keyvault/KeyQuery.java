package dev.keyvault;

import static java.util.Objects.requireNonNull;

import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A selection of keys: every given criterion must match. Results are ordered by key id, and
 * {@code afterId} with {@code limit} pages through them (keyset paging).
 *
 * @param owner       only this owner's keys
 * @param status      only keys in this status
 * @param environment only keys of this environment
 * @param tag         only keys carrying this tag
 * @param afterId     only keys whose id sorts after this one
 * @param limit       at most this many, 1–10,000
 * @param metadata    only keys carrying every one of these metadata entries (exact match; sorted, immutable)
 */
public record KeyQuery(
        Optional<String> owner,
        Optional<KeyStatus> status,
        Optional<String> environment,
        Optional<String> tag,
        Optional<String> afterId,
        int limit,
        Map<String, String> metadata) {
    public static final int MAX_LIMIT = 10_000;

    public KeyQuery {
        requireNonNull(owner, "owner").ifPresent(o -> Syntax.text("owner", o, Syntax.MAX_OWNER));
        requireNonNull(status, "status");
        requireNonNull(environment, "environment").ifPresent(e -> Syntax.slug("environment", e));
        requireNonNull(tag, "tag").ifPresent(t -> Syntax.matches("tag", t, Syntax.TAG, "[A-Za-z0-9_:.=/@-]{1,64}"));
        requireNonNull(afterId, "afterId").ifPresent(Syntax::keyId);
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("limit must be 1-" + MAX_LIMIT + ", was " + limit);
        }
        metadata = Syntax.metadata(metadata);
    }

    /** A query without a metadata criterion (the form before key metadata, kept for source compatibility). */
    public KeyQuery(Optional<String> owner, Optional<KeyStatus> status, Optional<String> environment, Optional<String> tag,
            Optional<String> afterId, int limit) {
        this(owner, status, environment, tag, afterId, limit, Map.of());
    }

    /** Every key, first page of 1,000. */
    public static KeyQuery all() {
        return new KeyQuery(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), 1_000);
    }

    public KeyQuery withOwner(String owner) {
        return new KeyQuery(Optional.of(owner), status, environment, tag, afterId, limit, metadata);
    }

    public KeyQuery withStatus(KeyStatus status) {
        return new KeyQuery(owner, Optional.of(status), environment, tag, afterId, limit, metadata);
    }

    public KeyQuery withEnvironment(String environment) {
        return new KeyQuery(owner, status, Optional.of(environment), tag, afterId, limit, metadata);
    }

    public KeyQuery withTag(String tag) {
        return new KeyQuery(owner, status, environment, Optional.of(tag), afterId, limit, metadata);
    }

    public KeyQuery withAfterId(String afterId) {
        return new KeyQuery(owner, status, environment, tag, Optional.of(afterId), limit, metadata);
    }

    public KeyQuery withLimit(int limit) {
        return new KeyQuery(owner, status, environment, tag, afterId, limit, metadata);
    }

    /** Only keys whose metadata has {@code name} with exactly {@code value} (added to any entries already asked for). */
    public KeyQuery withMetadata(String name, String value) {
        Map<String, String> more = new TreeMap<>(metadata);
        more.put(Syntax.metadataName(name), value);
        return new KeyQuery(owner, status, environment, tag, afterId, limit, more);
    }

    /** Whether {@code key} satisfies the criteria other than paging (stores without a query language use this). */
    public boolean matches(ApiKey key) {
        return owner.map(key.owner()::equals).orElse(true)
                && status.map(s -> key.status() == s).orElse(true)
                && environment.map(key.environment()::equals).orElse(true)
                && tag.map(key.tags()::contains).orElse(true)
                && key.metadata().entrySet().containsAll(metadata.entrySet());
    }
}
