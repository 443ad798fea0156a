package dev.keyvault.jdbc.internal;

import dev.keyvault.ApiKey;
import dev.keyvault.CreditRefill;
import dev.keyvault.IpAllowlist;
import dev.keyvault.KeyEvent;
import dev.keyvault.KeyEventType;
import dev.keyvault.KeyStatus;
import dev.keyvault.Revocation;
import dev.keyvault.UsageRollup;
import dev.keyvault.rotation.RiskClass;
import dev.keyvault.spi.CreditAccount;
import dev.keyvault.spi.KeyChange;
import dev.keyvault.spi.RotationStamp;
import dev.keyvault.spi.StoredKey;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.jdbi.v3.core.mapper.RowMapper;

/** Reads rows into value types, and encodes values for columns. Stateless and thread-safe. */
public final class Rows {
    public static final RowMapper<StoredKey> KEY = (rs, ctx) -> key(rs);
    public static final RowMapper<KeyEvent> EVENT = (rs, ctx) -> new KeyEvent(rs.getString("key_id"),
            KeyEventType.valueOf(rs.getString("event_type")), Instant.ofEpochMilli(rs.getLong("at_ms")),
            rs.getString("actor"), rs.getString("detail"));
    public static final RowMapper<KeyChange> CHANGE = (rs, ctx) -> new KeyChange(rs.getLong("seq"), rs.getString("key_id"),
            KeyEventType.valueOf(rs.getString("event_type")), Instant.ofEpochMilli(rs.getLong("at_ms")));
    public static final RowMapper<UsageRollup> USAGE = (rs, ctx) -> new UsageRollup(rs.getString("key_id"),
            Instant.ofEpochMilli(rs.getLong("minute_ms")), rs.getString("method"), rs.getString("endpoint"),
            rs.getString("client_ip"), rs.getString("user_agent"), rs.getString("consumer"), rs.getInt("http_status"),
            rs.getLong("request_count"), Instant.ofEpochMilli(rs.getLong("first_seen_ms")),
            Instant.ofEpochMilli(rs.getLong("last_seen_ms")), rs.getString("refusal"));
    public static final RowMapper<CreditAccount> CREDITS = (rs, ctx) -> new CreditAccount(rs.getString("account_id"),
            rs.getLong("balance"), CreditRefill.parse(rs.getString("refill")), rs.getLong("generation"),
            instant(rs, "next_refill_at_ms"));

    private Rows() {}

    private static StoredKey key(ResultSet rs) throws SQLException {
        KeyStatus status = KeyStatus.valueOf(rs.getString("status"));
        Optional<Instant> revokedAt = instant(rs, "revoked_at_ms");
        Optional<Revocation> revocation = status == KeyStatus.REVOKED
                ? Optional.of(new Revocation(revokedAt.orElseThrow(), rs.getString("revoked_reason"), rs.getString("revoked_by")))
                : Optional.empty();
        String risk = rs.getString("risk_class");
        ApiKey key = ApiKey.builder(rs.getString("id"), rs.getString("prefix"), rs.getString("owner"), rs.getString("name"),
                        Instant.ofEpochMilli(rs.getLong("created_at_ms")))
                .scopes(split(rs.getString("scopes")))
                .tier(rs.getString("tier"))
                .environment(rs.getString("environment"))
                .tags(split(rs.getString("tags")))
                .riskClass(risk == null ? Optional.empty() : Optional.of(RiskClass.valueOf(risk)))
                .expiresAt(instant(rs, "expires_at_ms"))
                .lastUsedAt(instant(rs, "last_used_at_ms"))
                .revocation(revocation)
                .predecessorId(Optional.ofNullable(rs.getString("predecessor_id")))
                .successorId(Optional.ofNullable(rs.getString("successor_id")))
                .compromised(rs.getBoolean("compromised"))
                .importedAt(instant(rs, "imported_at_ms"))
                .ipAllowlist(ranges(rs.getString("ip_allowlist")))
                .metadata(decodeMetadata(rs.getString("metadata")))
                .creditAccount(Optional.ofNullable(rs.getString("credit_account")))
                .build();
        Optional<Instant> due = instant(rs, "rotation_due_at_ms");
        String policy = rs.getString("rotation_policy");
        Optional<RotationStamp> stamp = due.isPresent() && policy != null ? Optional.of(new RotationStamp(due.get(), policy))
                : Optional.empty();
        return new StoredKey(key, rs.getString("hash"), Optional.ofNullable(rs.getString("legacy_lookup")),
                Optional.ofNullable(rs.getString("import_ref")), stamp, rs.getLong("revision"));
    }

    static Optional<Instant> instant(ResultSet rs, String column) throws SQLException {
        long v = rs.getLong(column);
        return rs.wasNull() ? Optional.empty() : Optional.of(Instant.ofEpochMilli(v));
    }

    /**
     * Scopes and tags are stored sorted and space-separated: neither alphabet contains a space, and
     * reading a key stays one row of one table (the verify path's only query).
     */
    public static String join(Set<String> values) {
        return String.join(" ", new TreeSet<>(values));
    }

    static Set<String> split(String joined) {
        return joined.isEmpty() ? Set.of() : Set.copyOf(Arrays.asList(joined.split(" ")));
    }

    private static IpAllowlist ranges(String joined) {
        return joined.isEmpty() ? IpAllowlist.none() : IpAllowlist.of(joined.split(" "));
    }

    /** An allowlist's blocks in their order, space-separated (canonical blocks hold no space). */
    public static String joinRanges(IpAllowlist list) {
        return String.join(" ", list.ranges());
    }

    /**
     * Metadata as {@code name=value} entries joined by a line feed: names cannot hold {@code =} and
     * values hold no control character, so the form is unambiguous; it keeps a key one row to read.
     */
    public static String encodeMetadata(Map<String, String> metadata) {
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, String> e : new TreeMap<>(metadata).entrySet()) {
            if (sb.length() > 0) {
                sb.append('\n');
            }
            sb.append(e.getKey()).append('=').append(e.getValue());
        }
        return sb.toString();
    }

    static Map<String, String> decodeMetadata(String encoded) {
        if (encoded.isEmpty()) {
            return Map.of();
        }
        Map<String, String> out = new TreeMap<>();
        for (String entry : encoded.split("\n")) {
            int eq = entry.indexOf('=');
            out.put(entry.substring(0, eq), entry.substring(eq + 1));
        }
        return out;
    }

    /**
     * Milliseconds since the epoch: the store keeps time at millisecond precision (the manager only
     * produces such instants), truncating anything finer.
     *
     * @throws IllegalArgumentException if the instant is beyond what a {@code long} of milliseconds holds
     */
    public static long millis(Instant t) {
        try {
            return t.toEpochMilli();
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("instant out of the storable range: " + t);
        }
    }

    /** The smallest whole millisecond at or after {@code t}, saturating at the range of a long. */
    public static long ceilMillis(Instant t) {
        try {
            long ms = t.toEpochMilli();
            return t.getNano() % 1_000_000 == 0 ? ms : Math.addExact(ms, 1);
        } catch (ArithmeticException e) {
            return t.isBefore(Instant.EPOCH) ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
    }
}
