package dev.keyvault.examples;

import dev.keyvault.ApiKey;
import dev.keyvault.ImportReport;
import dev.keyvault.IssuedKey;
import dev.keyvault.KeyHashers;
import dev.keyvault.KeyImport;
import dev.keyvault.KeyManager;
import dev.keyvault.KeySpec;
import dev.keyvault.LegacyTokenFormat;
import dev.keyvault.Peppers;
import dev.keyvault.examples.support.DemoApi;
import dev.keyvault.examples.support.Http;
import dev.keyvault.jdbc.JdbiKeyStore;
import dev.keyvault.rotation.RotationDue;
import dev.keyvault.rotation.RotationStatus;
import dev.keyvault.testing.MutableClock;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;
import org.h2.jdbcx.JdbcConnectionPool;

/**
 * Moving a hand-rolled API-key table into keyvault without re-issuing anyone's key. The "old
 * system" is what many Java services have: an H2 (or PostgreSQL) table {@code api_keys} with the
 * owner, a name, the scopes, a public 8-character prefix and a bcrypt hash of the whole token
 * {@code <prefix>.<secret>} (django-rest-framework-api-key's scheme). The example:
 *
 * <ol>
 *   <li>imports the table into keyvault on the same database (resumable: it is run twice);</li>
 *   <li>serves both token formats through the servlet filter: the old {@code prefix.secret} tokens
 *       and the keyvault tokens of rotated keys;</li>
 *   <li>follows the migration playbook, which is the rotation playbook: every imported key is due
 *       at once; rotating one gives its consumer a keyvault token; {@code rotation().status} shows
 *       who still sends the old one; once they have moved, completing revokes it, and the old token
 *       gets 401.</li>
 * </ol>
 * Runs on an H2 file under {@code target/legacy-migration}, recreated each time.
 */
public final class LegacyMigrationExample {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    private LegacyMigrationExample() {}

    public static void main(String[] args) throws Exception {
        run(System.out);
    }

    /** A row of the old table, and (for the demo only) the token its consumer holds. */
    record OldRow(long id, String owner, String name, String scopes, String prefix, String bcrypt, Instant created, String token) {}

    static void run(PrintStream out) throws Exception {
        Path dir = Path.of("target", "legacy-migration");
        Files.createDirectories(dir);
        for (Path p : List.of(dir.resolve("db.mv.db"), dir.resolve("db.trace.db"))) {
            Files.deleteIfExists(p);
        }
        JdbcConnectionPool pool = JdbcConnectionPool.create("jdbc:h2:file:" + dir.toAbsolutePath().resolve("db"), "sa", "");
        MutableClock clock = MutableClock.at(Instant.parse("2026-12-01T09:00:00Z"));
        try {
            List<OldRow> rows = createOldTable(pool);
            out.println("the old system: table api_keys with " + rows.size() + " keys, bcrypt of '<prefix>.<secret>'");

            JdbiKeyStore store = JdbiKeyStore.builder(pool).build();
            store.migrate();
            byte[] pepper = new byte[32];
            RANDOM.nextBytes(pepper);
            try (KeyManager keys = KeyManager.builder().store(store).clock(clock).keyPrefix("kb_live")
                    .pepper(Peppers.of("v1", pepper))
                    .legacyTokens(LegacyTokenFormat.separated(".", LegacyTokenFormat.Hashed.WHOLE_TOKEN))
                    .additionalHashers(KeyHashers.argon2id(), KeyHashers.bcrypt())
                    .usageFlushInterval(Duration.ZERO).changeFeedPollInterval(Duration.ZERO).build();
                 DemoApi api = DemoApi.start(keys, clock)) {
                Http http = new Http(api.uri());

                // 1. Import, twice: the second run (a resumed or repeated migration) changes nothing.
                ImportReport first = keys.importKeys(imports(pool));
                ImportReport again = keys.importKeys(imports(pool));
                out.println("import: " + first.imported() + " imported; run again: " + again.imported() + " imported, "
                        + again.alreadyImported() + " already there");

                // 2. The old tokens work through the filter, unchanged.
                OldRow sync = rows.get(0);
                OldRow reports = rows.get(1);
                out.println("old token of '" + sync.name() + "' GET /articles/1 -> "
                        + http.call("GET", "/articles/1", sync.token(), "10.1.0.7", "sync/1.4").status());
                out.println("old token of '" + reports.name() + "' GET /articles/1 -> "
                        + http.call("GET", "/articles/1", reports.token(), "10.1.0.9", "reports/2.0").status());
                out.println("a wrong secret with a real prefix -> "
                        + http.call("GET", "/articles/1", sync.prefix() + "." + random(32), "203.0.113.5", "curl/8").status());
                keys.flush();

                clock.advance(Duration.ofHours(1)); // the migration goes on later in the day

                // 3. Every imported key is due at once: the migration is a rotation per key.
                List<RotationDue> due = keys.rotationDue(clock.instant()).entries();
                out.println("rotationDue: " + due.size() + " keys; first: " + due.get(0).reason());

                ApiKey oldSync = keys.list("acme").stream().filter(k -> k.name().equals(sync.name())).findFirst().orElseThrow();
                IssuedKey next = keys.rotate(oldSync.id());
                out.println("rotated '" + sync.name() + "' to " + next.key().hint() + " ('" + next.key().name() + "')");
                // the sync job moves to the new token; a forgotten cron job still sends the old one
                http.call("GET", "/articles/2", next.token(), "10.1.0.7", "sync/1.4");
                http.call("GET", "/articles/3", sync.token(), "10.1.0.8", "legacy-cron/0.9");
                RotationStatus status = keys.rotation().status(oldSync.id());
                out.println("still on the old token: " + status.notMigrated().stream().map(RotationStatus.ClientMigration::client).toList());
                out.println("complete now -> " + keys.rotation().complete(oldSync.id(), "migration").outcome());

                // the cron job is fixed; a quiet day later the old token can go
                clock.advance(Duration.ofMinutes(5));
                http.call("GET", "/articles/4", next.token(), "10.1.0.8", "legacy-cron/1.0");
                clock.advance(Duration.ofDays(1).plusMinutes(1));
                out.println("a quiet day later, complete -> " + keys.rotation().complete(oldSync.id(), "migration").outcome());
                out.println("old token now -> " + http.call("GET", "/articles/1", sync.token(), "10.1.0.8", "legacy-cron/0.9").status()
                        + "; new token -> " + http.call("GET", "/articles/1", next.token(), "10.1.0.7", "sync/1.5").status());
                out.println("hashing: " + keys.hashingReport().schemes().stream()
                        .map(s -> s.scheme() + " x" + s.keys()).toList());
            }
        } finally {
            pool.dispose();
        }
    }

    /** The rows of the old table as keyvault imports (its hashes, its prefixes as the lookup values). */
    private static List<KeyImport> imports(JdbcConnectionPool pool) throws SQLException {
        List<KeyImport> out = new ArrayList<>();
        try (Connection c = pool.getConnection();
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT id, owner, name, scopes, prefix, key_hash, created_at FROM api_keys ORDER BY id")) {
            while (rs.next()) {
                KeySpec spec = KeySpec.builder(rs.getString("owner"), rs.getString("name"))
                        .scopes(new LinkedHashSet<>(Arrays.asList(rs.getString("scopes").split(","))))
                        .environment("production").tier("standard").actor("migration").build();
                out.add(KeyImport.builder("api_keys/" + rs.getLong("id"), spec, rs.getTimestamp("created_at").toInstant())
                        .hash(rs.getString("key_hash"), rs.getString("prefix"))
                        .build());
            }
        }
        return out;
    }

    private static List<OldRow> createOldTable(JdbcConnectionPool pool) throws SQLException {
        List<OldRow> rows = List.of(
                row(1, "acme", "KB Sync Script", "kb:read,kb:write", "2025-03-02T10:00:00Z"),
                row(2, "acme", "Reporting", "kb:read", "2025-06-14T08:30:00Z"),
                row(3, "globex", "Backup", "kb:read", "2024-11-20T16:45:00Z"));
        try (Connection c = pool.getConnection()) {
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TABLE api_keys (id BIGINT PRIMARY KEY, owner VARCHAR(100) NOT NULL, name VARCHAR(100) NOT NULL,"
                        + " scopes VARCHAR(200) NOT NULL, prefix CHAR(8) NOT NULL UNIQUE, key_hash VARCHAR(60) NOT NULL,"
                        + " created_at TIMESTAMP WITH TIME ZONE NOT NULL)");
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO api_keys VALUES (?, ?, ?, ?, ?, ?, ?)")) {
                for (OldRow r : rows) {
                    ps.setLong(1, r.id());
                    ps.setString(2, r.owner());
                    ps.setString(3, r.name());
                    ps.setString(4, r.scopes());
                    ps.setString(5, r.prefix());
                    ps.setString(6, r.bcrypt());
                    ps.setObject(7, java.time.OffsetDateTime.ofInstant(r.created(), java.time.ZoneOffset.UTC));
                    ps.addBatch();
                }
                ps.executeBatch();
            }
        }
        return rows;
    }

    private static OldRow row(long id, String owner, String name, String scopes, String created) {
        String prefix = random(8);
        String token = prefix + "." + random(32);
        byte[] salt = new byte[16];
        RANDOM.nextBytes(salt);
        String hash = OpenBSDBCrypt.generate("2b", token.toCharArray(), salt, 10);
        return new OldRow(id, owner, name, scopes, prefix, hash, Instant.parse(created), token);
    }

    private static String random(int n) {
        StringBuilder sb = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            sb.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
        }
        return sb.toString();
    }
}
