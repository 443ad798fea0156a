package dev.keyvault.examples;

import dev.keyvault.IssuedKey;
import dev.keyvault.KeyHashers;
import dev.keyvault.KeyManager;
import dev.keyvault.KeySpec;
import dev.keyvault.examples.support.DemoApi;
import dev.keyvault.examples.support.Http;
import dev.keyvault.memory.InMemoryKeyStore;
import dev.keyvault.rotation.AutoRotationResult;
import dev.keyvault.rotation.AutoRotator;
import dev.keyvault.sink.PropertiesFileSecretsSink;
import dev.keyvault.testing.MutableClock;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;

/**
 * Automated rotation: the {@link AutoRotator} finds keys due under the rotation policy, issues each
 * successor, proves it works with a real request against the running API (the probe), hands the
 * secret to a {@link PropertiesFileSecretsSink} (where a deployment tool or a Vault / AWS Secrets
 * Manager adapter would pick it up), and lets the old key expire at the end of an overlap window.
 */
public final class AutoRotationExample {
    private AutoRotationExample() {}

    public static void main(String[] args) throws Exception {
        run(System.out, Path.of(args.length > 0 ? args[0] : "target/auto-rotation"));
    }

    static void run(PrintStream out, Path dir) throws Exception {
        Files.createDirectories(dir);
        Path secrets = dir.resolve("secrets.properties");
        Files.deleteIfExists(secrets);
        MutableClock clock = MutableClock.create();
        try (KeyManager keys = KeyManager.builder().store(InMemoryKeyStore.create()).clock(clock)
                .hasher(KeyHashers.hmacSha256()).build();
             DemoApi api = DemoApi.start(keys, clock)) {
            Http http = new Http(api.uri());
            IssuedKey deploy = keys.issue(KeySpec.builder("acme", "Deploy bot").scopes("kb:read", "kb:write").tier("standard").build());
            keys.issue(KeySpec.builder("acme", "Read-only dashboard").scopes("kb:read").tier("free").build());
            out.println("issued 'Deploy bot' (write: rotate every 180 days) and 'Read-only dashboard' (365 days)");

            clock.advance(Duration.ofDays(170));
            out.println("day 170: " + keys.rotationDue(clock.instant()).upcoming().size() + " key(s) due within the 14-day warning window");

            AutoRotator rotator = AutoRotator.builder(keys, PropertiesFileSecretsSink.of(secrets))
                    .probe(successor -> http.call("GET", "/articles/1", successor.token(), "10.9.0.1", "auto-rotator/1.0").status() == 200)
                    .overlap(Duration.ofDays(2))
                    .actor("auto-rotator")
                    .build();
            for (AutoRotationResult r : rotator.runOnce()) {
                out.println("AutoRotator: " + r.outcome() + " — " + r.message());
                for (String step : r.steps()) {
                    out.println("    " + step);
                }
            }
            Properties delivered = new Properties();
            try (var in = Files.newInputStream(secrets)) {
                delivered.load(in);
            }
            for (String name : delivered.stringPropertyNames()) {
                String token = delivered.getProperty(name);
                out.println("sink file " + secrets.getFileName() + ": " + name + " = " + token.substring(0, token.length() - 38)
                        + "… (new token, verifies: " + keys.verify(token).isVerified() + ")");
            }
            out.println("old token during the 2-day overlap: " + http.call("GET", "/articles/1", deploy.token(), "10.9.0.2", "deployer/1.0").status());
            clock.advance(Duration.ofDays(2));
            out.println("old token after the overlap:        " + http.call("GET", "/articles/1", deploy.token(), "10.9.0.2", "deployer/1.0").status());
            out.println("keys due now: " + keys.rotationDue(clock.instant()).entries().size());
        }
    }
}
