package dev.keyvault.benchmarks.spring;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.keyvault.KeyManager;
import dev.keyvault.KeySpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPublicKey;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Requests per second of one Spring Boot endpoint behind three Spring Security chains in one
 * application, measured so that the rest of a shared machine weighs on all three alike: after a
 * warm-up of all three at once, client threads load one chain per slice, rotating which goes first,
 * so each chain gets the same number of slices in every position.
 * <ul>
 *   <li>(a) keyvault: {@code ApiKeyConfigurer.apiKeys()}, a cached key (HMAC under a pepper), a tier
 *       consulted on every request, {@code hasScope("bench:read")}, usage recorded;</li>
 *   <li>(b) Spring's OAuth2 resource server: a JWT signed RS256 with a local 2048-bit key (no
 *       network), {@code hasAuthority("SCOPE_bench:read")};</li>
 *   <li>(c) {@code permitAll}: the same chain machinery with no authentication.</li>
 * </ul>
 * Goals: (a) at least 1.2× the throughput of (b), and at least 90 % of (c). Every request carries an
 * {@code Authorization} header of its chain (permitAll's carries the API key, unread), and every
 * response must be a 200.
 *
 * <p>Arguments (one string or several): slices (60), warm-up seconds (25), slice milliseconds (500),
 * client threads (4). Prints the table and writes it to {@code target/benchmark-results.md}.
 */
public final class ChainThroughput {
    private static final double GOAL_VS_JWT = 1.2;
    private static final double GOAL_VS_OPEN = 0.90;

    private ChainThroughput() {}

    /** Requests completed per chain, and the time each was loaded. */
    record Result(long keyvault, long jwt, long open, double seconds) {
        double vsJwt() {
            return (double) keyvault / jwt;
        }

        double vsOpen() {
            return (double) keyvault / open;
        }

        String table(int threads) {
            String head = "| benchmark | keyvault | floor | ratio | goal | met |\n|---|---|---|---|---|---|\n";
            return head
                    + row("Spring Security chain throughput: API key (keyvault) vs JWT RS256 (OAuth2 resource server), Tomcat, loopback, "
                            + threads + " threads, slices interleaved", keyvault, jwt, String.format(Locale.ROOT, "%.2f×", vsJwt()),
                            "≥ 1.2×", vsJwt() >= GOAL_VS_JWT)
                    + row("Spring Security chain throughput: API key (keyvault) vs permitAll, Tomcat, loopback, " + threads
                            + " threads, slices interleaved", keyvault, open, String.format(Locale.ROOT, "%.1f %%", vsOpen() * 100),
                            "≥ 90 %", vsOpen() >= GOAL_VS_OPEN);
        }

        private String row(String name, long subject, long floor, String ratio, String goal, boolean met) {
            return String.format(Locale.ROOT, "| %s | %,.0f ops/s | %,.0f ops/s | %s | %s | %s |%n", name, subject / seconds,
                    floor / seconds, ratio, goal, met ? "✓" : "✗");
        }
    }

    public static void main(String[] args) throws Exception {
        String[] a = String.join(" ", args).trim().isEmpty() ? new String[0] : String.join(" ", args).trim().split("\\s+");
        int slices = a.length > 0 ? Integer.parseInt(a[0]) : 60;
        int warmUpSeconds = a.length > 1 ? Integer.parseInt(a[1]) : 25;
        int sliceMillis = a.length > 2 ? Integer.parseInt(a[2]) : 500;
        int threads = a.length > 3 ? Integer.parseInt(a[3]) : 4;
        Result r = measure(slices, warmUpSeconds, sliceMillis, threads);
        String table = r.table(threads);
        System.out.println();
        System.out.print(table);
        Path out = Path.of("target", "benchmark-results.md");
        Files.createDirectories(out.getParent());
        Files.writeString(out, table);
    }

    /** Starts the application, warms it up, loads the three chains in rotating slices; stops it. */
    static Result measure(int slices, int warmUpSeconds, int sliceMillis, int threads) throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        KeyPair rsa = generator.generateKeyPair();
        byte[] pepper = new byte[32];
        new java.security.SecureRandom().nextBytes(pepper);
        try (ConfigurableApplicationContext app = new SpringApplicationBuilder(BenchApplication.class)
                .initializers(context -> context.getBeanFactory().registerSingleton("benchPublicKey", (RSAPublicKey) rsa.getPublic()))
                .properties("server.port=0", "server.address=127.0.0.1", "spring.main.banner-mode=off",
                        "logging.level.root=warn",
                        // one keep-alive connection per client for the whole run (Tomcat closes after 100 by default)
                        "server.tomcat.max-keep-alive-requests=-1",
                        "keyvault.store.type=memory",
                        "keyvault.pepper=v1:" + Base64.getEncoder().encodeToString(pepper),
                        // a tier consulted on every request that never runs dry at loopback speed
                        "keyvault.web.tiers.bench.requests=1000000", "keyvault.web.tiers.bench.period=1s",
                        "keyvault.web.tiers.bench.burst=1000000", "keyvault.web.fallback-tier=bench")
                .run()) {
            int port = ((WebServerApplicationContext) app).getWebServer().getPort();
            KeyManager keys = app.getBean(KeyManager.class);
            String key = keys.issue(KeySpec.builder("bench", "bench key").scopes("bench:read").tier("bench").build()).token();
            String jwt = jwt(rsa);
            byte[][] requests = {
                request("/a/hello", key), request("/b/hello", jwt), request("/c/hello", key),
            };
            load(port, requests, threads, TimeUnit.SECONDS.toNanos(warmUpSeconds), true);
            long[] counts = new long[3];
            long sliceNanos = TimeUnit.MILLISECONDS.toNanos(sliceMillis);
            for (int i = 0; i < slices; i++) {
                for (int k = 0; k < 3; k++) {
                    int side = (i + k) % 3; // rotate which chain goes first, second, third
                    counts[side] += load(port, new byte[][] {requests[side]}, threads, sliceNanos, false);
                }
            }
            return new Result(counts[0], counts[1], counts[2], slices * (double) sliceNanos / 1e9);
        }
    }

    private static String jwt(KeyPair rsa) throws Exception {
        JWTClaimsSet claims = new JWTClaimsSet.Builder().subject("bench").claim("scope", "bench:read")
                .issueTime(new Date()).expirationTime(Date.from(Instant.now().plusSeconds(24 * 3600))).build();
        SignedJWT signed = new SignedJWT(new JWSHeader(JWSAlgorithm.RS256), claims);
        signed.sign(new RSASSASigner(rsa.getPrivate()));
        return signed.serialize();
    }

    private static byte[] request(String path, String token) {
        return ("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: keyvault-bench/1.0\r\nAuthorization: Bearer " + token
                + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * {@code threads} keep-alive clients per request kind for {@code nanos}; the requests completed.
     * With several kinds (the warm-up) they all run at once.
     */
    private static long load(int port, byte[][] requests, int threads, long nanos, boolean warmUp) throws Exception {
        long until = System.nanoTime() + nanos;
        int n = threads * requests.length;
        long[] counts = new long[n];
        Exception[] failure = new Exception[1];
        Thread[] clients = new Thread[n];
        for (int t = 0; t < n; t++) {
            int index = t;
            byte[] request = requests[t % requests.length];
            clients[t] = new Thread(() -> {
                try (Connection c = new Connection(port, request)) {
                    while (System.nanoTime() < until) {
                        c.exchange();
                        counts[index]++;
                    }
                } catch (IOException | RuntimeException e) {
                    failure[0] = e;
                }
            });
            clients[t].start();
        }
        long sum = 0;
        for (int t = 0; t < n; t++) {
            clients[t].join();
            sum += counts[t];
        }
        if (failure[0] != null) {
            throw failure[0];
        }
        return sum;
    }
}
