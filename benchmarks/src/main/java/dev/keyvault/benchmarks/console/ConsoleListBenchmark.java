package dev.keyvault.benchmarks.console;

import dev.keyvault.ApiKey;
import dev.keyvault.KeyEvent;
import dev.keyvault.KeyEventType;
import dev.keyvault.KeyManager;
import dev.keyvault.benchmarks.jdbc.BenchPostgres;
import dev.keyvault.console.ConsoleConfig;
import dev.keyvault.console.ConsoleServlet;
import dev.keyvault.console.spi.Catalogue;
import dev.keyvault.console.spi.ConsoleAccess;
import dev.keyvault.console.spi.ConsoleUser;
import dev.keyvault.jdbc.JdbiKeyStore;
import dev.keyvault.rotation.RotationPolicy;
import dev.keyvault.spi.RotationStamp;
import dev.keyvault.spi.StoredKey;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.jdbi.v3.core.Jdbi;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The console's lists on PostgreSQL with 100,000 keys, one owner holding 1,000 of them: the first page
 * (50 keys) of that owner and of the operator's list of every key, each as a whole HTTP request to
 * the console on embedded Jetty over loopback (so the figure is the server's time plus a loopback
 * round trip: an upper bound of the server time). Floors: the bare JDBI query of the same page's rows
 * on the same pool. Also the operator's "rotations due" page: a range scan of the stored due dates'
 * index ({@code KeyManager.rotationDue(RotationDueQuery)}) and three index counts for its header,
 * beside the bare query of its rows.
 *
 * <p>The keys are seeded through the store SPI ({@code KeyStore.insert}) with a fixed placeholder hash,
 * not through {@code issue} (hashing 100,000 secrets would measure the hasher, not the lists).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class ConsoleListBenchmark {
    static final int KEYS = 100_000;
    static final int OWNER_KEYS = 1_000;
    static final String BIG_OWNER = "big-owner";
    private static final String ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

    private BenchPostgres pg;
    private Jdbi jdbi;
    private KeyManager keys;
    private Server server;
    private HttpClient http;
    private URI ownerPage;
    private URI operatorPage;
    private URI duePage;

    @Setup
    public void setUp() throws Exception {
        pg = BenchPostgres.start();
        jdbi = Jdbi.create(pg.dataSource());
        JdbiKeyStore store = JdbiKeyStore.builder(jdbi).build();
        store.migrate();
        seed(store);
        jdbi.useHandle(h -> h.execute("ANALYZE keyvault_keys"));
        keys = KeyManager.builder().store(store).usageFlushInterval(Duration.ZERO).changeFeedPollInterval(Duration.ZERO).build();
        ConsoleUser operator = new ConsoleUser("bench", "bench", Set.of(BIG_OWNER), true);
        ConsoleAccess access = new ConsoleAccess() {
            @Override
            public Optional<ConsoleUser> currentUser(HttpServletRequest request) {
                return Optional.of(operator);
            }

            @Override
            public Catalogue catalogue(ConsoleUser user, String owner) {
                return Catalogue.of(List.of());
            }
        };
        server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler();
        context.addServlet(new ServletHolder(new ConsoleServlet(keys, ConsoleConfig.builder(access).build())), "/console/*");
        server.setHandler(context);
        server.start();
        String base = "http://127.0.0.1:" + connector.getLocalPort() + "/console/api/";
        ownerPage = URI.create(base + "keys?owner=" + BIG_OWNER);
        operatorPage = URI.create(base + "operator/keys");
        duePage = URI.create(base + "operator/due");
        http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        for (URI u : List.of(ownerPage, operatorPage)) {
            String body = get(u);
            if (!body.contains("\"next\":\"")) {
                throw new IllegalStateException("setup: " + u + " did not answer a full first page: " + body.substring(0, Math.min(200, body.length())));
            }
        }
        if (ownerFloor() != 51 || operatorFloor() != 51) {
            throw new IllegalStateException("setup: the floors did not read a page");
        }
    }

    /** 100,000 keys through {@code KeyStore.insert}, 1,000 of them one owner's, on the pool's connections in parallel. */
    private static void seed(JdbiKeyStore store) throws Exception {
        Instant created = Instant.parse("2026-01-01T00:00:00Z");
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try {
            List<Future<?>> parts = new java.util.ArrayList<>();
            int slice = KEYS / 6 + 1;
            for (int p = 0; p < 6; p++) {
                int from = p * slice;
                int to = Math.min(KEYS, from + slice);
                parts.add(pool.submit(() -> {
                    SecureRandom random = new SecureRandom();
                    for (int i = from; i < to; i++) {
                        String id = id(random);
                        String owner = i < OWNER_KEYS ? BIG_OWNER : "owner-" + (i % 20_000);
                        ApiKey key = ApiKey.builder(id, "kv", owner, "Key " + i, created.plusSeconds(i))
                                .scopes(Set.of(i % 3 == 0 ? "kb:write" : "kb:read")).tier("standard").environment("production").build();
                        // stamped as KeyManager stamps the keys it issues: the due date of the default policy
                        store.insert(new StoredKey(key, "$bench$placeholder-hash-not-a-secret").withRotation(Optional.of(
                                new RotationStamp(RotationPolicy.defaults().dueAt(key), RotationPolicy.defaults().fingerprint()))),
                                new KeyEvent(id, KeyEventType.ISSUED, key.createdAt(), "bench", ""));
                    }
                    return null;
                }));
            }
            for (Future<?> f : parts) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
    }

    private static String id(SecureRandom random) {
        char[] c = new char[12];
        for (int i = 0; i < c.length; i++) {
            c[i] = ALPHABET.charAt(random.nextInt(62));
        }
        return new String(c);
    }

    @TearDown
    public void tearDown() throws Exception {
        server.stop();
        keys.close();
        pg.close();
    }

    private String get(URI uri) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException(uri + " answered " + r.statusCode());
        }
        return r.body();
    }

    /** GET api/keys?owner=… : the first page of the owner with 1,000 keys, as JSON. */
    @Benchmark
    public String ownerFirstPage() throws Exception {
        return get(ownerPage);
    }

    /** The same rows read with one bare query (page size + 1, as the console reads them). */
    @Benchmark
    public int ownerFloor() {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM keyvault_keys WHERE owner = :o ORDER BY id LIMIT 51")
                .bind("o", BIG_OWNER).mapToMap().list().size());
    }

    /** GET api/operator/keys : the first page of every owner's 100,000 keys, as JSON. */
    @Benchmark
    public String operatorFirstPage() throws Exception {
        return get(operatorPage);
    }

    @Benchmark
    public int operatorFloor() {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM keyvault_keys ORDER BY id LIMIT 51").mapToMap().list().size());
    }

    /** GET api/operator/due : the first page of rotations due, with the counts per urgency over every page. */
    @Benchmark
    public String operatorDuePage() throws Exception {
        return get(duePage);
    }

    @Benchmark
    public int dueFloor() {
        long now = System.currentTimeMillis();
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM keyvault_keys WHERE rotation_due_at_ms IS NOT NULL"
                        + " AND rotation_due_at_ms <= :by AND status = 'ACTIVE' AND (expires_at_ms IS NULL OR expires_at_ms > :now)"
                        + " ORDER BY rotation_due_at_ms, id LIMIT 51")
                .bind("by", now + Duration.ofDays(14).toMillis()).bind("now", now).mapToMap().list().size());
    }
}
