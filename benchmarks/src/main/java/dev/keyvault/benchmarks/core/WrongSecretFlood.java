package dev.keyvault.benchmarks.core;

import dev.keyvault.CapacityExceededException;
import dev.keyvault.IssuedKey;
import dev.keyvault.KeyManager;
import dev.keyvault.KeySpec;
import dev.keyvault.benchmarks.Measurement;
import dev.keyvault.memory.InMemoryKeyStore;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.zip.CRC32;

/**
 * A wrong-secret flood against a node hashing with Argon2id (OWASP defaults, one slot per core):
 * {@value #FLOODERS} clients, each sending a well-formed token with a fresh wrong secret for one of
 * {@value #FLOODED_KEYS} public key ids and sending the next one 50 ms (a network round trip) after
 * the answer: thousands of requests a second, each of which would cost a slow hash, hundreds of
 * times what two cores can hash. Measured, alternating unloaded and flooded phases in one JVM: the latency of a
 * legitimate cold verify of another key (a key this node has not cached), and of issuing a key.
 * Goals: each within 3× of its unloaded value, and no legitimate call failing.
 */
public final class WrongSecretFlood {
    static final int FLOODERS = 256;
    static final int FLOODED_KEYS = 8;
    /** Each client's pause between an answer and its next request (a network round trip). */
    static long pauseMillis = 50;
    /** Flood with unknown key ids instead (no slow hash): what the same request rate costs by itself. */
    static boolean control;
    /** Requests per second the flood sent, per flooded phase. */
    static final List<Double> rates = new java.util.concurrent.CopyOnWriteArrayList<>();
    private static final int ROUNDS = 5;
    private static final int PER_PHASE = 8;
    private static final String ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

    private static Run run;

    private WrongSecretFlood() {}

    /** Runs both rows alone: {@code -Dbench.main=dev.keyvault.benchmarks.core.WrongSecretFlood -Dbench.args=<pause ms>}. */
    public static void main(String[] args) throws Exception {
        String[] a = args.length > 0 ? args[0].strip().split("\\s+") : new String[0];
        if (a.length > 0 && !a[0].isEmpty()) {
            pauseMillis = Long.parseLong(a[0]);
        }
        control = a.length > 1 && a[1].equals("control");
        String what = (control ? "control flood (unknown key ids)" : "wrong-secret flood") + ", pause " + pauseMillis + " ms";
        System.out.println(what + ": " + new ColdVerify().measure());
        System.out.println(what + ": " + new Issue().measure());
        System.out.printf(java.util.Locale.ROOT, "flood rate: %.0f requests/s on average over the flooded phases%n",
                rates.stream().mapToDouble(Double::doubleValue).average().orElse(0));
    }

    /** The cold-verify row. */
    public static final class ColdVerify implements Measurement {
        @Override
        public String name() {
            return "cold verify of another key during a wrong-secret flood vs unloaded (Argon2id, " + FLOODERS
                    + " clients on " + FLOODED_KEYS + " key ids, phases alternated)";
        }

        @Override
        public Result measure() throws Exception {
            return result(run().verify);
        }
    }

    /** The issue row. */
    public static final class Issue implements Measurement {
        @Override
        public String name() {
            return "issuing a key during the same wrong-secret flood vs unloaded";
        }

        @Override
        public Result measure() throws Exception {
            return result(run().issue);
        }
    }

    private static Measurement.Result result(Latencies l) {
        double ratio = l.loadedP50() / l.unloadedP50();
        String subject = String.format(Locale.ROOT, "p50 %.1f ms, p90 %.1f ms flooded (%,.0f requests/s)%s", l.loadedP50(),
                l.loadedP90(), rates.stream().mapToDouble(Double::doubleValue).average().orElse(0),
                l.failures == 0 ? "" : ", " + l.failures + " failed");
        String floor = String.format(Locale.ROOT, "p50 %.1f ms, p90 %.1f ms unloaded", l.unloadedP50(), l.unloadedP90());
        return new Measurement.Result(subject, floor, String.format(Locale.ROOT, "%.2f×", ratio), "≤ 3× and none failing",
                ratio <= 3.0 && l.failures == 0);
    }

    private static synchronized Run run() throws Exception {
        if (run == null) {
            run = new Run();
            run.execute();
        }
        return run;
    }

    private static final class Latencies {
        final List<Double> unloaded = new ArrayList<>();
        final List<Double> loaded = new ArrayList<>();
        int failures;

        double unloadedP50() {
            return percentile(unloaded, 0.5);
        }

        double unloadedP90() {
            return percentile(unloaded, 0.9);
        }

        double loadedP50() {
            return percentile(loaded, 0.5);
        }

        double loadedP90() {
            return percentile(loaded, 0.9);
        }

        private static double percentile(List<Double> values, double p) {
            double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
            return sorted[Math.min(sorted.length - 1, (int) Math.floor(p * sorted.length))];
        }
    }

    private static final class Run {
        final Latencies verify = new Latencies();
        final Latencies issue = new Latencies();
        private final SecureRandom random = new SecureRandom();

        void execute() throws Exception {
            InMemoryKeyStore store = InMemoryKeyStore.create();
            try (KeyManager issuer = manager(store); KeyManager node = manager(store)) {
                List<IssuedKey> flooded = new ArrayList<>();
                for (int i = 0; i < FLOODED_KEYS; i++) {
                    flooded.add(issuer.issue(KeySpec.builder("victim", "flooded " + i).build()));
                }
                List<IssuedKey> legitimate = new ArrayList<>();
                for (int i = 0; i < 2 * ROUNDS * PER_PHASE; i++) {
                    legitimate.add(issuer.issue(KeySpec.builder("customer", "legitimate " + i).build()));
                }
                int next = 0;
                for (int round = 0; round < ROUNDS; round++) {
                    for (boolean flooding : new boolean[] {false, true}) {
                        Flood flood = flooding ? new Flood(node, flooded).start() : null;
                        try {
                            for (int i = 0; i < PER_PHASE; i++) {
                                IssuedKey k = legitimate.get(next++);
                                time(verify, flooding, () -> {
                                    if (!node.verify(k.token()).isVerified()) {
                                        throw new IllegalStateException("a legitimate key was rejected");
                                    }
                                });
                            }
                            time(issue, flooding, () -> node.issue(KeySpec.builder("customer", "issued " + random.nextLong()).build()));
                        } finally {
                            if (flood != null) {
                                flood.stop();
                            }
                        }
                    }
                }
            }
        }

        private static KeyManager manager(InMemoryKeyStore store) {
            return KeyManager.builder().store(store).usageFlushInterval(Duration.ZERO).changeFeedPollInterval(Duration.ZERO).build();
        }

        private static void time(Latencies into, boolean loaded, Runnable call) {
            long t0 = System.nanoTime();
            try {
                call.run();
            } catch (RuntimeException e) {
                into.failures++;
                return;
            }
            double ms = (System.nanoTime() - t0) / 1e6;
            (loaded ? into.loaded : into.unloaded).add(ms);
        }
    }

    /** The attackers: threads that keep sending fresh wrong secrets for the flooded key ids. */
    private static final class Flood {
        private final KeyManager node;
        private final List<IssuedKey> targets;
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final java.util.concurrent.atomic.LongAdder sent = new java.util.concurrent.atomic.LongAdder();
        private long startedAt;
        private final List<Thread> threads = new ArrayList<>();

        Flood(KeyManager node, List<IssuedKey> targets) {
            this.node = node;
            this.targets = targets;
        }

        private final boolean control = WrongSecretFlood.control;

        Flood start() throws InterruptedException {
            for (int t = 0; t < FLOODERS; t++) {
                int thread = t;
                Thread th = new Thread(() -> {
                    SecureRandom r = new SecureRandom();
                    int i = thread;
                    while (running.get()) {
                        IssuedKey target = targets.get(i++ % targets.size());
                        try {
                            sent.increment();
                            node.verify(control ? unknownId(target.token(), r) : forged(target.token(), r));
                        } catch (CapacityExceededException refused) {
                            // shed: the attacker just tries again
                        }
                        try {
                            Thread.sleep(pauseMillis); // the network round trip before the next request
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                }, "flood-" + t);
                th.setDaemon(true);
                th.start();
                threads.add(th);
            }
            Thread.sleep(1_000); // the flood is under way (and its key ids penalized) before we measure
            sent.reset();
            startedAt = System.nanoTime();
            return this;
        }

        void stop() throws InterruptedException {
            rates.add(sent.sum() / ((System.nanoTime() - startedAt) / 1e9));
            running.set(false);
            for (Thread t : threads) {
                t.join();
            }
        }
    }

    /** {@code token}'s prefix with a random key id and secret: costs a lookup, never a hash (the control flood). */
    static String unknownId(String token, SecureRandom random) {
        String forged = forged(token, random);
        int id = forged.indexOf('_', forged.length() - 52) + 1;
        char[] c = forged.toCharArray();
        for (int i = id; i < id + 12; i++) {
            c[i] = ALPHABET.charAt(random.nextInt(62));
        }
        return forged(new String(c), random);
    }

    /** {@code token}'s prefix and key id with a random secret and a valid checksum. */
    static String forged(String token, SecureRandom random) {
        String body = token.substring(0, token.length() - 6 - 32);
        char[] secret = new char[32];
        for (int i = 0; i < secret.length; i++) {
            secret[i] = ALPHABET.charAt(random.nextInt(62));
        }
        String unsigned = body + new String(secret);
        CRC32 crc = new CRC32();
        crc.update(unsigned.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        long v = crc.getValue();
        char[] sum = new char[6];
        for (int i = 5; i >= 0; i--) {
            sum[i] = ALPHABET.charAt((int) (v % 62));
            v /= 62;
        }
        Arrays.fill(secret, '0');
        return unsigned + new String(sum);
    }
}
