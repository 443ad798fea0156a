package dev.keyvault.scanning;

import static dev.keyvault.KeyEventType.COMPROMISED;
import static dev.keyvault.KeyEventType.ISSUED;
import static dev.keyvault.KeyEventType.LEAK_REPORTED;
import static dev.keyvault.KeyEventType.REVOKED;
import static dev.keyvault.KeyEventType.ROTATED;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keyvault.ApiKey;
import dev.keyvault.IssuedKey;
import dev.keyvault.KeyEvent;
import dev.keyvault.KeyEventListener;
import dev.keyvault.KeyEventType;
import dev.keyvault.KeyHashers;
import dev.keyvault.KeyManager;
import dev.keyvault.KeySpec;
import dev.keyvault.KeyStatus;
import dev.keyvault.RejectionReason;
import dev.keyvault.UsageEvent;
import dev.keyvault.VerificationResult;
import dev.keyvault.memory.InMemoryKeyStore;
import dev.keyvault.scanning.LeakResponse.Action;
import dev.keyvault.scanning.internal.Report;
import dev.keyvault.servlet.FailureLimit;
import dev.keyvault.spi.KeyStore;
import dev.keyvault.testing.MutableClock;
import dev.keyvault.testing.Tokens;
import jakarta.servlet.Servlet;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * GitHub's secret-scanning alerts over real HTTP, signed with a key pair the test makes: every
 * outcome the issue lists, a hostile corpus of headers, bodies and tokens, concurrency across two
 * nodes on one store, and a search of the run's log for anything of a report. Each container runs
 * it ({@link JettyTest}, {@link TomcatTest}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class AbstractSecretScanningTest {
    static final String KID = "kid-current-0123456789abcdef";
    static final String URL = "https://github.com/octocat/hello-world/blob/0123abc/config/prod.env";
    static final byte[] PEPPER = "secret-scanning-pepper-0123456789".getBytes(StandardCharsets.US_ASCII);

    private final TestServer.Factory containers;
    final MutableClock clock = MutableClock.create();
    final KeyStore store = InMemoryKeyStore.create();
    final KeyPair github = Fixture.p256();
    final KeyPair stranger = Fixture.p256();
    final List<LeakResponse> responses = new CopyOnWriteArrayList<>();
    final List<String> leakEvents = new CopyOnWriteArrayList<>();
    final List<String> deliveries = new CopyOnWriteArrayList<>();
    final Map<String, String> deliveredTokens = new ConcurrentHashMap<>();
    final AtomicInteger keyListFetches = new AtomicInteger();
    /** Everything of a report the log must never show: tokens, their hashes, URLs. */
    final Set<String> secrets = ConcurrentHashMap.newKeySet();
    KeyManager nodeA;
    KeyManager nodeB;
    TestServer server;
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    AbstractSecretScanningTest(TestServer.Factory containers) {
        this.containers = containers;
    }

    private KeyManager node(KeyEventListener listener) {
        return KeyManager.builder().store(store).clock(clock).keyPrefix("kb_live")
                .hasher(KeyHashers.hmacSha256(PEPPER, "t1"))
                .usageFlushInterval(Duration.ZERO).changeFeedPollInterval(Duration.ZERO)
                .listener(listener).build();
    }

    @BeforeAll
    void start() throws Exception {
        KeyEventListener recording = new KeyEventListener() {
            @Override
            public void onLeakReported(ApiKey key, String where) {
                leakEvents.add(key.id() + " " + where);
            }
        };
        nodeA = node(recording);
        nodeB = node(recording);
        SigningKeys keys = SigningKeys.fromPem(Map.of(KID, Fixture.pem(github.getPublic())));
        FailureLimit generous = FailureLimit.of(100_000, Duration.ofMinutes(1), 100_000);
        dev.keyvault.spi.SecretsSink sink = (replaced, successor) -> {
            deliveries.add(replaced.id() + " -> " + successor.id());
            deliveredTokens.put(successor.id(), successor.token());
        };
        GitHubSigningKeys fetched = GitHubSigningKeys.builder(() -> {
            keyListFetches.incrementAndGet();
            return Fixture.keyList(new String[] {KID}, new java.security.PublicKey[] {github.getPublic()});
        }).clock(clock).build();
        Map<String, Servlet> servlets = new LinkedHashMap<>();
        servlets.put("/github/revoke", SecretScanningServlet.builder(nodeA, keys).failureLimit(generous).listener(responses::add).build());
        servlets.put("/github/rotate", SecretScanningServlet.builder(nodeA, keys).secretsSink(sink).failureLimit(generous)
                .listener(responses::add).build());
        servlets.put("/github/rotate-b", SecretScanningServlet.builder(nodeB, keys).secretsSink(sink).failureLimit(generous)
                .listener(responses::add).build());
        servlets.put("/github/flag", SecretScanningServlet.builder(nodeA, keys).policy(LeakPolicy.FLAG).failureLimit(generous)
                .listener(responses::add).build());
        servlets.put("/github/limited", SecretScanningServlet.builder(nodeA, keys).failureLimit(FailureLimit.of(3, Duration.ofMinutes(1), 3))
                .build());
        servlets.put("/github/fetched", SecretScanningServlet.builder(nodeA, fetched).failureLimit(generous).build());
        servlets.put("/github/down", SecretScanningServlet.builder(nodeA, id -> {
            throw new SigningKeysUnavailableException("down", null);
        }).failureLimit(generous).build());
        server = containers.start(servlets);
    }

    @AfterAll
    void stop() throws Exception {
        if (server != null) {
            server.close();
        }
        nodeA.close();
        nodeB.close();
    }

    @BeforeEach
    void clear() {
        responses.clear();
        leakEvents.clear();
        deliveries.clear();
    }

    // ------------------------------------------------------------------------------------ helpers

    IssuedKey issue(String name) {
        IssuedKey k = nodeA.issue(KeySpec.builder("acme", name + " " + System.nanoTime()).scopes("kb:read").build());
        secrets.add(k.token());
        secrets.add(Report.sha256Hex(k.token()));
        return k;
    }

    record Answer(int status, String body, HttpResponse<String> raw) {
        JsonNode json() {
            return Fixture.parse(body);
        }
    }

    Answer post(String path, byte[] body, String identifier, String signature) throws Exception {
        HttpRequest.Builder r = HttpRequest.newBuilder(server.uri(path)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (identifier != null) {
            r.header(SecretScanningServlet.KEY_IDENTIFIER_HEADER, identifier);
        }
        if (signature != null) {
            r.header(SecretScanningServlet.SIGNATURE_HEADER, signature);
        }
        HttpResponse<String> resp = http.send(r.build(), HttpResponse.BodyHandlers.ofString());
        return new Answer(resp.statusCode(), resp.body(), resp);
    }

    /** A correctly signed alert. */
    Answer signed(String path, byte[] body) throws Exception {
        return post(path, body, KID, Fixture.sign(github.getPrivate(), body));
    }

    byte[] alertFor(String token) {
        return alertFor(token, URL, "content");
    }

    byte[] alertFor(String token, String url, String source) {
        secrets.add(url);
        return Fixture.alert(Fixture.entry(token, url, source));
    }

    List<KeyEventType> history(String id) {
        List<KeyEventType> t = new ArrayList<>();
        for (KeyEvent e : nodeA.history(id)) {
            t.add(e.type());
        }
        return t;
    }

    List<KeyEvent> history(String id, KeyEventType type) {
        return nodeA.history(id).stream().filter(e -> e.type() == type).toList();
    }

    static void assertFeedback(Answer a, String token, String label) {
        assertThat(a.status()).isEqualTo(200);
        assertThat(a.raw().headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
        assertThat(a.body()).doesNotContain(token);
        JsonNode f = a.json();
        assertThat(f.isArray()).isTrue();
        assertThat(f).hasSize(1);
        assertThat(f.get(0).get("token_hash").asText()).isEqualTo(Report.sha256Hex(token)).matches("[0-9a-f]{64}");
        assertThat(f.get(0).get("token_type").asText()).isEqualTo("kb_live_api_key");
        assertThat(f.get(0).get("label").asText()).isEqualTo(label);
    }

    static void assertUnauthorized(Answer a) {
        assertThat(a.status()).isEqualTo(401);
        assertThat(a.body()).doesNotContain("detail").doesNotContain("signature").doesNotContain("identifier");
    }

    // --------------------------------------------------------------------------------- outcomes

    @Test
    void whenASignedReportNamesAnActiveKeyUnderRevokeThenItIsRevokedCompromisedRecordedAndAudited() throws Exception {
        IssuedKey key = issue("Sync");
        nodeA.recordUsage(key.id(), UsageEvent.of(clock.instant(), "GET", "/kb/**", "198.51.100.7", 200));
        nodeA.recordUsage(key.id(), UsageEvent.of(clock.instant(), "GET", "/kb/**", "203.0.113.66", 200));

        Answer a = signed("/github/revoke", alertFor(key.token()));

        assertFeedback(a, key.token(), "true_positive");
        ApiKey after = nodeA.get(key.id()).orElseThrow();
        assertThat(after.status()).isEqualTo(KeyStatus.REVOKED);
        assertThat(after.compromised()).isTrue();
        assertThat(after.successorId()).as("no sink: no successor").isEmpty();
        assertThat(after.revocation()).hasValueSatisfying(r -> {
            assertThat(r.reason()).isEqualTo("leaked: " + URL + " (GitHub secret scanning, source: content)");
            assertThat(r.actor()).isEqualTo("github-secret-scanning");
        });
        assertThat(history(key.id())).containsExactly(ISSUED, REVOKED, LEAK_REPORTED, COMPROMISED);
        assertThat(history(key.id(), LEAK_REPORTED)).singleElement()
                .satisfies(e -> assertThat(e.detail()).isEqualTo(URL + " (GitHub secret scanning, source: content)"));
        assertThat(nodeA.verify(key.token())).isEqualTo(new VerificationResult.Rejected(RejectionReason.REVOKED,
                java.util.Optional.of(key.id())));
        assertThat(responses).singleElement().satisfies(r -> {
            assertThat(r.action()).isEqualTo(Action.REVOKED);
            assertThat(r.truePositive()).isTrue();
            assertThat(r.url()).isEqualTo(URL);
            assertThat(r.source()).isEqualTo("content");
            assertThat(r.successor()).isEmpty();
            assertThat(r.audit()).hasValueSatisfying(audit -> {
                assertThat(audit.totalRequests()).isEqualTo(2);
                assertThat(audit.clientIps()).hasSize(2);
            });
            assertThat(r.problem()).isEmpty();
        });
        assertThat(leakEvents).containsExactly(key.id() + " " + URL + " (GitHub secret scanning, source: content)");
    }

    @Test
    void whenASinkIsConfiguredThenTheRevokedKeyIsReplacedAndTheSuccessorDeliveredThere() throws Exception {
        IssuedKey key = issue("Sync");

        Answer a = signed("/github/rotate", alertFor(key.token()));

        assertFeedback(a, key.token(), "true_positive");
        ApiKey old = nodeA.get(key.id()).orElseThrow();
        assertThat(old.status()).isEqualTo(KeyStatus.REVOKED);
        assertThat(old.compromised()).isTrue();
        String successorId = old.successorId().orElseThrow();
        assertThat(deliveries).containsExactly(key.id() + " -> " + successorId);
        String delivered = deliveredTokens.get(successorId);
        secrets.add(delivered);
        assertThat(nodeA.verify(delivered).isVerified()).isTrue();
        assertThat(nodeA.get(successorId).orElseThrow().predecessorId()).contains(key.id());
        assertThat(a.body()).doesNotContain(delivered);
        assertThat(history(key.id())).containsExactly(ISSUED, REVOKED, LEAK_REPORTED, COMPROMISED, ROTATED);
        assertThat(responses).singleElement().satisfies(r -> {
            assertThat(r.action()).isEqualTo(Action.REVOKED);
            assertThat(r.successor()).map(ApiKey::id).contains(successorId);
            assertThat(r.audit()).isPresent();
            assertThat(r.toString()).doesNotContain(delivered);
        });
    }

    @Test
    void whenThePolicyIsFlagThenTheKeyIsMarkedCompromisedRecordedAndStaysActive() throws Exception {
        IssuedKey key = issue("Sync");

        Answer a = signed("/github/flag", alertFor(key.token(), URL, "commit"));

        assertFeedback(a, key.token(), "true_positive");
        ApiKey after = nodeA.get(key.id()).orElseThrow();
        assertThat(after.status()).isEqualTo(KeyStatus.ACTIVE);
        assertThat(after.compromised()).isTrue();
        assertThat(nodeA.verify(key.token()).isVerified()).isTrue();
        assertThat(history(key.id())).containsExactly(ISSUED, LEAK_REPORTED, COMPROMISED);
        assertThat(responses).singleElement().satisfies(r -> assertThat(r.action()).isEqualTo(Action.FLAGGED));
        assertThat(leakEvents).containsExactly(key.id() + " " + URL + " (GitHub secret scanning, source: commit)");
    }

    @Test
    void whenTheTokenIsNoKeysOwnThenFalsePositiveAndNothingChanges() throws Exception {
        IssuedKey key = issue("Sync");
        String unknownId = Tokens.withUnknownId(key.token());
        String wrongSecret = Tokens.withWrongSecret(key.token()); // a real key id, a well-formed token: planted
        for (String token : List.of(unknownId, wrongSecret)) {
            secrets.add(token);
            for (String path : List.of("/github/revoke", "/github/rotate", "/github/flag")) {
                assertFeedback(signed(path, alertFor(token)), token, "false_positive");
            }
        }
        ApiKey after = nodeA.get(key.id()).orElseThrow();
        assertThat(after.status()).isEqualTo(KeyStatus.ACTIVE);
        assertThat(after.compromised()).isFalse();
        assertThat(history(key.id())).containsExactly(ISSUED);
        assertThat(deliveries).isEmpty();
        assertThat(responses).hasSize(6).allSatisfy(r -> {
            assertThat(r.truePositive()).isFalse();
            assertThat(r.action()).isEqualTo(Action.NONE);
            assertThat(r.key()).isEmpty();
        });
        assertThat(nodeA.verify(key.token()).isVerified()).isTrue();
    }

    @Test
    void whenTheKeyWasAlreadyRevokedThenTruePositiveAndNoSecondRotation() throws Exception {
        IssuedKey key = issue("Sync");
        nodeA.revoke(key.id(), "replaced last week", "alice");

        Answer a = signed("/github/rotate", alertFor(key.token()));

        assertFeedback(a, key.token(), "true_positive");
        ApiKey after = nodeA.get(key.id()).orElseThrow();
        assertThat(after.successorId()).isEmpty();
        assertThat(after.compromised()).isTrue();
        assertThat(after.revocation()).hasValueSatisfying(r -> assertThat(r.reason()).isEqualTo("replaced last week"));
        assertThat(deliveries).isEmpty();
        assertThat(history(key.id())).containsExactly(ISSUED, REVOKED, LEAK_REPORTED, COMPROMISED);
        assertThat(responses).singleElement().satisfies(r -> assertThat(r.action()).isEqualTo(Action.ALREADY_HANDLED));
    }

    @Test
    void whenGitHubRepeatsAReportThenTheRepeatChangesNothing() throws Exception {
        IssuedKey rotated = issue("Sync");
        IssuedKey flagged = issue("Search");
        byte[] rotate = alertFor(rotated.token());
        byte[] flag = alertFor(flagged.token());
        assertFeedback(signed("/github/rotate", rotate), rotated.token(), "true_positive");
        assertFeedback(signed("/github/flag", flag), flagged.token(), "true_positive");
        List<KeyEvent> rotatedHistory = nodeA.history(rotated.id());
        List<KeyEvent> flaggedHistory = nodeA.history(flagged.id());
        responses.clear();
        leakEvents.clear();

        for (int i = 0; i < 3; i++) {
            assertFeedback(signed("/github/rotate", rotate), rotated.token(), "true_positive");
            assertFeedback(signed("/github/rotate-b", rotate), rotated.token(), "true_positive");
            assertFeedback(signed("/github/flag", flag), flagged.token(), "true_positive");
        }
        assertThat(nodeA.history(rotated.id())).isEqualTo(rotatedHistory);
        assertThat(nodeA.history(flagged.id())).isEqualTo(flaggedHistory);
        assertThat(deliveries).hasSize(1);
        assertThat(leakEvents).isEmpty();
        assertThat(responses).hasSize(9).allSatisfy(r -> assertThat(r.action()).isEqualTo(Action.ALREADY_HANDLED));
        assertThat(nodeA.verify(flagged.token()).isVerified()).isTrue();

        // The same key found somewhere else is a new report: recorded, nothing else.
        String npm = "https://www.npmjs.com/package/kb-client/v/1.0.1";
        assertFeedback(signed("/github/rotate", alertFor(rotated.token(), npm, "npm")), rotated.token(), "true_positive");
        assertThat(history(rotated.id(), LEAK_REPORTED)).hasSize(2);
        assertThat(deliveries).hasSize(1);
    }

    @Test
    void whenReportsForOneKeyArriveConcurrentlyOnTwoNodesThenExactlyOneEmergencyRotation() throws Exception {
        IssuedKey key = issue("Sync");
        byte[] body = alertFor(key.token());
        String signature = Fixture.sign(github.getPrivate(), body);
        int n = 16;
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Answer>> answers = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                String path = i % 2 == 0 ? "/github/rotate" : "/github/rotate-b";
                answers.add(pool.submit(() -> {
                    go.await();
                    return post(path, body, KID, signature);
                }));
            }
            go.countDown();
            for (Future<Answer> f : answers) {
                assertFeedback(f.get(), key.token(), "true_positive");
            }
        } finally {
            pool.shutdownNow();
        }
        ApiKey old = nodeA.get(key.id()).orElseThrow();
        assertThat(old.status()).isEqualTo(KeyStatus.REVOKED);
        assertThat(history(key.id(), REVOKED)).hasSize(1);
        assertThat(history(key.id(), ROTATED)).hasSize(1);
        assertThat(history(key.id(), COMPROMISED)).hasSize(1);
        assertThat(deliveries).containsExactly(key.id() + " -> " + old.successorId().orElseThrow());
        assertThat(nodeA.list(dev.keyvault.KeyQuery.all().withOwner("acme")))
                .filteredOn(k -> k.predecessorId().equals(java.util.Optional.of(key.id()))).hasSize(1);
        assertThat(responses).filteredOn(r -> r.action() == Action.REVOKED).hasSize(1);
        assertThat(responses).hasSize(n).allSatisfy(r -> assertThat(r.truePositive()).isTrue());
        secrets.add(deliveredTokens.get(old.successorId().get()));
    }

    // ------------------------------------------------------------------------------ signatures

    @Test
    void whenTheSignatureIsMissingForgedOrOfAnotherBodyThen401WithoutDetailAndNothingChanges() throws Exception {
        IssuedKey key = issue("Sync");
        byte[] body = alertFor(key.token());
        byte[] other = alertFor(key.token(), URL + "x", "content");
        List<Answer> answers = List.of(
                post("/github/revoke", body, KID, null),
                post("/github/revoke", body, null, Fixture.sign(github.getPrivate(), body)),
                post("/github/revoke", body, null, null),
                post("/github/revoke", body, KID, Fixture.sign(stranger.getPrivate(), body)), // another key, same identifier
                post("/github/revoke", body, KID, Fixture.sign(github.getPrivate(), other)),   // GitHub's signature of another body
                post("/github/revoke", body, KID, java.util.Base64.getEncoder().encodeToString(new byte[70])));
        assertThat(answers).allSatisfy(AbstractSecretScanningTest::assertUnauthorized);
        assertThat(nodeA.get(key.id()).orElseThrow().status()).isEqualTo(KeyStatus.ACTIVE);
        assertThat(history(key.id())).containsExactly(ISSUED);
        assertThat(responses).isEmpty();
    }

    @Test
    void whenSignedByAKeyUnderAnUnknownIdentifierThen401() throws Exception {
        IssuedKey key = issue("Sync");
        byte[] body = alertFor(key.token());
        assertUnauthorized(post("/github/revoke", body, "kid-unknown", Fixture.sign(stranger.getPrivate(), body)));
        assertUnauthorized(post("/github/revoke", body, "kid-unknown", Fixture.sign(github.getPrivate(), body)));
        assertThat(history(key.id())).containsExactly(ISSUED);
    }

    @Test
    void whenTheBodyIsTruncatedThenItIsRefusedAndNothingChanges() throws Exception {
        IssuedKey key = issue("Sync");
        byte[] body = alertFor(key.token());
        byte[] cut = java.util.Arrays.copyOf(body, body.length / 2);
        // GitHub's signature of the whole body, half of it arriving
        assertUnauthorized(post("/github/revoke", cut, KID, Fixture.sign(github.getPrivate(), body)));
        // a truncated body signed as it is: not JSON
        assertThat(signed("/github/revoke", cut).status()).isEqualTo(400);
        // a Content-Length the body never reaches (the client stops sending)
        RawHttp.Response r = RawHttp.post(server.port(), "/github/revoke", List.of(
                "Content-Type: application/json", "Content-Length: " + body.length,
                SecretScanningServlet.KEY_IDENTIFIER_HEADER + ": " + KID,
                SecretScanningServlet.SIGNATURE_HEADER + ": " + Fixture.sign(github.getPrivate(), body)), cut);
        assertThat(r.status()).isIn(400, -1);
        assertThat(history(key.id())).containsExactly(ISSUED);
    }

    /**
     * A refusal before the body is read (no or a bad signature header, an unknown key identifier, the
     * failure limit, a path the firewall refuses, a GET) drops the body and keeps the connection: the
     * sender's next alert on it is answered.
     */
    @Test
    void whenAnAlertIsRefusedBeforeItsBodyIsReadThenTheConnectionServesTheNextOne() throws Exception {
        byte[] body = ("[{\"token\":\"" + "x".repeat(2_000) + "\",\"type\":\"kb_live_api_key\",\"url\":\"u\",\"source\":\"s\"}]")
                .getBytes(StandardCharsets.UTF_8);
        List<Map<String, String>> refusals = List.of(
                Map.of("Content-Type", "application/json"),
                Map.of("Content-Type", "application/json", SecretScanningServlet.KEY_IDENTIFIER_HEADER, KID),
                Map.of("Content-Type", "application/json", SecretScanningServlet.KEY_IDENTIFIER_HEADER, "not-a-known-key",
                        SecretScanningServlet.SIGNATURE_HEADER, Fixture.sign(github.getPrivate(), body)),
                Map.of("Content-Type", "application/json", SecretScanningServlet.KEY_IDENTIFIER_HEADER, KID,
                        SecretScanningServlet.SIGNATURE_HEADER, "%%%not base64%%%"));
        for (Map<String, String> headers : refusals) {
            try (dev.keyvault.support.RawConnection c = new dev.keyvault.support.RawConnection(server.port())) {
                c.request("POST", "/github/revoke", headers, body);
                dev.keyvault.support.RawConnection.Response first = c.read().orElseThrow();
                assertThat(first.status()).as(headers.toString()).isEqualTo(401);
                assertThat(first.closes()).as(headers.toString()).isFalse();
                c.request("POST", "/github/revoke", Map.of("Content-Type", "application/json"), body);
                assertThat(c.read()).as("the next alert on the connection after " + headers)
                        .hasValueSatisfying(next -> assertThat(next.status()).isEqualTo(401));
            }
        }
    }

    @Test
    void whenTheBodyIsHugeThen413WithoutReadingIt() throws Exception {
        byte[] huge = new byte[3 << 20];
        java.util.Arrays.fill(huge, (byte) ' ');
        huge[0] = '[';
        huge[huge.length - 1] = ']';
        String sig = Fixture.sign(github.getPrivate(), huge);
        // Declared too large: answered from the head alone, before any of the body is sent (a client
        // sending the body at once may find the connection closed under it: the server reads no further)
        RawHttp.Response declared = RawHttp.post(server.port(), "/github/revoke", List.of(
                "Content-Type: application/json", "Content-Length: " + huge.length,
                SecretScanningServlet.KEY_IDENTIFIER_HEADER + ": " + KID, SecretScanningServlet.SIGNATURE_HEADER + ": " + sig),
                new byte[0]);
        assertThat(declared.status()).isEqualTo(413);
        assertThat(declared.body()).doesNotContain("detail");
        // chunked, no Content-Length: read up to the bound only
        HttpRequest chunked = HttpRequest.newBuilder(server.uri("/github/revoke")).timeout(Duration.ofSeconds(30))
                .header(SecretScanningServlet.KEY_IDENTIFIER_HEADER, KID).header(SecretScanningServlet.SIGNATURE_HEADER, sig)
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(huge))).build();
        int status;
        try {
            status = http.send(chunked, HttpResponse.BodyHandlers.ofString()).statusCode();
        } catch (IOException serverClosedWhileSending) {
            status = 413; // the server answered and closed before the client finished: it did not read on
        }
        assertThat(status).isEqualTo(413);
        // a declared length far over the bound, with no body sent at all: answered at once
        RawHttp.Response r = RawHttp.post(server.port(), "/github/revoke", List.of("Content-Length: 100000000",
                SecretScanningServlet.KEY_IDENTIFIER_HEADER + ": " + KID, SecretScanningServlet.SIGNATURE_HEADER + ": " + sig), new byte[0]);
        assertThat(r.status()).isEqualTo(413);
    }

    @Test
    void whenGitHubsKeysAreFetchedThenTheyAreCachedAndASignedReportIsAnswered() throws Exception {
        IssuedKey key = issue("Sync");
        int before = keyListFetches.get();
        String unknown = Tokens.withUnknownId(key.token());
        assertFeedback(signed("/github/fetched", alertFor(unknown)), unknown, "false_positive");
        assertFeedback(signed("/github/fetched", alertFor(unknown)), unknown, "false_positive");
        assertThat(keyListFetches.get() - before).isLessThanOrEqualTo(1);
        byte[] body = alertFor(key.token());
        for (int i = 0; i < 5; i++) { // made-up identifiers do not make the host fetch per request
            assertUnauthorized(post("/github/fetched", body, "kid-made-up-" + i, Fixture.sign(stranger.getPrivate(), body)));
        }
        assertThat(keyListFetches.get() - before).isLessThanOrEqualTo(2);
        Answer down = signed("/github/down", body);
        assertThat(down.status()).isEqualTo(503);
        assertThat(down.raw().headers().firstValue("Retry-After")).isPresent();
        assertThat(history(key.id())).containsExactly(ISSUED);
    }

    @Test
    void whenOneAddressFailsTooOftenThen429EvenWithAValidSignatureUntilItsAllowanceRefills() throws Exception {
        IssuedKey key = issue("Sync");
        byte[] body = alertFor(key.token());
        for (int i = 0; i < 3; i++) {
            assertUnauthorized(post("/github/limited", body, KID, Fixture.sign(stranger.getPrivate(), body)));
        }
        Answer limited = signed("/github/limited", body);
        assertThat(limited.status()).isEqualTo(429);
        assertThat(limited.raw().headers().firstValue("Retry-After")).isPresent();
        assertThat(history(key.id())).containsExactly(ISSUED);
        clock.advance(Duration.ofMinutes(2));
        assertFeedback(signed("/github/limited", body), key.token(), "true_positive");
    }

    // -------------------------------------------------------------------------- hostile corpus

    @Test
    void whenTheHeadersAreHostileThen401() throws Exception {
        IssuedKey key = issue("Sync");
        byte[] body = alertFor(key.token());
        String good = Fixture.sign(github.getPrivate(), body);
        List<String[]> cases = List.of(
                new String[] {KID, ""},
                new String[] {"", good},
                new String[] {KID, "!!!not base64!!!"},
                new String[] {KID, good.replace('+', '-').replace('/', '_') + "%"},
                new String[] {KID, "===="},
                new String[] {KID, good.substring(0, good.length() - 4)},
                new String[] {KID, "A".repeat(1_000)},
                new String[] {KID + "x", good},
                new String[] {"kid with spaces", good},
                new String[] {"k".repeat(300), good},
                new String[] {"' OR 1=1 --", good},
                new String[] {"../../etc/passwd", good});
        for (String[] c : cases) {
            assertUnauthorized(post("/github/revoke", body, c[0].isEmpty() ? null : c[0], c[1].isEmpty() ? null : c[1]));
        }
        Answer huge = post("/github/revoke", body, KID, "A".repeat(64_000));
        assertThat(huge.status()).as("the container may refuse it first (Tomcat 400, Jetty 431)").isIn(400, 401, 431);
        // what the JDK client refuses to send: repeated headers, raw non-ASCII bytes, a signature split in two
        List<List<String>> raw = List.of(
                List.of(SecretScanningServlet.KEY_IDENTIFIER_HEADER + ": " + KID, SecretScanningServlet.KEY_IDENTIFIER_HEADER + ": " + KID,
                        SecretScanningServlet.SIGNATURE_HEADER + ": " + good),
                List.of(SecretScanningServlet.KEY_IDENTIFIER_HEADER + ": " + KID, SecretScanningServlet.SIGNATURE_HEADER + ": " + good,
                        SecretScanningServlet.SIGNATURE_HEADER + ": " + good),
                List.of(SecretScanningServlet.KEY_IDENTIFIER_HEADER + ": kid-\u00e9\u00ff", SecretScanningServlet.SIGNATURE_HEADER + ": " + good),
                List.of(SecretScanningServlet.KEY_IDENTIFIER_HEADER + ": " + KID, SecretScanningServlet.SIGNATURE_HEADER + ": \u00e9" + good));
        for (List<String> headers : raw) {
            List<String> all = new ArrayList<>(headers);
            all.add("Content-Length: " + body.length);
            RawHttp.Response r = RawHttp.post(server.port(), "/github/revoke", all, body);
            assertThat(r.status()).as(headers.toString()).isIn(400, 401);
            assertThat(r.body()).doesNotContain("detail");
        }
        assertThat(history(key.id())).containsExactly(ISSUED);
    }

    @Test
    void whenASignedBodyIsNotAnAlertThen400() throws Exception {
        List<String> bodies = List.of("", " ", "{}", "\"x\"", "1", "null", "true", "[1]", "[[]]", "[null]", "[\"token\"]",
                "[{\"token\":1,\"type\":\"t\"}]", "[{\"token\":\"x\"}]", "[{\"type\":\"t\"}]",
                "[{\"token\":\"x\",\"type\":\"t\",\"url\":5}]", "[{\"token\":\"x\",\"type\":\"t\",\"source\":{}}]",
                "[{\"token\":\"x\",\"type\":[]}]", "[{\"token\":null,\"type\":\"t\"}]",
                "[{\"token\":\"a\",\"token\":\"b\",\"type\":\"t\"}]", "[]x", "[] []", "[", "[{", "[{\"token\":\"x\",",
                "[{\"token\":\"x\",\"type\":\"t\",\"extra\":[[[[[[[[[[[[]]]]]]]]]]]]}]",
                "[{\"token\":\"x\",\"type\":\"" + "t".repeat(300) + "\"}]", "<xml/>", "[{'token':'x','type':'t'}]",
                "[{\"token\":\"x\",\"type\":\"t\"},]");
        for (String b : bodies) {
            Answer a = signed("/github/revoke", b.getBytes(StandardCharsets.UTF_8));
            assertThat(a.status()).as(b.length() > 80 ? b.substring(0, 80) : b).isEqualTo(400);
            assertThat(a.body()).doesNotContain("token");
        }
        byte[] notUtf8 = {'[', '{', '"', 't', 'o', 'k', 'e', 'n', '"', ':', '"', (byte) 0xC0, (byte) 0xAE, '"', '}', ']'};
        assertThat(signed("/github/revoke", notUtf8).status()).isEqualTo(400);
        assertThat(responses).isEmpty();
    }

    @Test
    void whenAnAlertHasEmptyUnusualOrExtraContentThenItIsAnswered() throws Exception {
        assertThat(signed("/github/revoke", "[]".getBytes(StandardCharsets.UTF_8)).body()).isEqualTo("[]");
        IssuedKey key = issue("Sync");
        secrets.add("https://github.com/o/r/blob/main/a b\u0007\u202e.txt");
        String body = "[{\"token\":\"" + key.token() + "\",\"type\":\"kb_live_api_key\",\"url\":null,\"source\":null,"
                + "\"future_field\":{\"nested\":[1,2,3]}}]";
        assertFeedback(signed("/github/flag", body.getBytes(StandardCharsets.UTF_8)), key.token(), "true_positive");
        assertThat(history(key.id(), LEAK_REPORTED)).singleElement()
                .satisfies(e -> assertThat(e.detail()).isEqualTo("(no URL) (GitHub secret scanning, source: unknown)"));
        // a URL with spaces, a control and a bidirectional override: stored percent-encoded, one word
        IssuedKey other = issue("Search");
        assertFeedback(signed("/github/flag", alertFor(other.token(), "https://github.com/o/r/blob/main/a b\u0007\u202e.txt", "content")),
                other.token(), "true_positive");
        assertThat(history(other.id(), LEAK_REPORTED)).singleElement().satisfies(e -> assertThat(e.detail())
                .isEqualTo("https://github.com/o/r/blob/main/a%20b%07%E2%80%AE.txt (GitHub secret scanning, source: content)"));
    }

    @Test
    void whenTokensAreHostileThenEachIsAFalsePositiveAndNothingChanges() throws Exception {
        IssuedKey key = issue("Sync");
        String t = key.token();
        char last = t.charAt(t.length() - 1);
        List<String> tokens = List.of(
                t.substring(0, t.length() - 1) + (last == 'A' ? 'B' : 'A'),          // checksum fails
                t.substring(0, t.length() - 1),                                       // one short
                t + "A", " " + t, t + "\n", t.toUpperCase(java.util.Locale.ROOT),
                t.replace("kb_live", "kb_test"),                                      // another prefix
                t.substring(0, 20) + "\u00e9" + t.substring(21),                      // non-ASCII
                "", "x", "' OR '1'='1", "kb_live_" + "A".repeat(100_000),
                "kb_live_\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0000_" + "A".repeat(38));
        com.fasterxml.jackson.databind.node.ObjectNode[] entries = tokens.stream()
                .map(x -> Fixture.entry(x, URL, "content")).toArray(com.fasterxml.jackson.databind.node.ObjectNode[]::new);
        tokens.forEach(x -> secrets.add(Report.sha256Hex(x)));
        Answer a = signed("/github/revoke", Fixture.alert(entries));
        assertThat(a.status()).isEqualTo(200);
        JsonNode f = a.json();
        assertThat(f).hasSize(tokens.size());
        for (int i = 0; i < tokens.size(); i++) {
            assertThat(f.get(i).get("label").asText()).isEqualTo("false_positive");
            assertThat(f.get(i).get("token_hash").asText()).isEqualTo(Report.sha256Hex(tokens.get(i)));
        }
        assertThat(history(key.id())).containsExactly(ISSUED);
        assertThat(nodeA.get(key.id()).orElseThrow().compromised()).isFalse();
    }

    @Test
    void whenAnAlertHoldsAHugeArrayThenEveryEntryIsAnsweredWithinTheBound() throws Exception {
        IssuedKey key = issue("Sync");
        int n = 9_000;
        com.fasterxml.jackson.databind.node.ObjectNode[] entries = new com.fasterxml.jackson.databind.node.ObjectNode[n];
        for (int i = 0; i < n; i++) {
            entries[i] = Fixture.JSON.createObjectNode().put("token", Tokens.withUnknownId(key.token())).put("type", "t");
        }
        entries[n / 2] = Fixture.entry(key.token(), URL, "content");
        byte[] body = Fixture.alert(entries);
        assertThat(body.length).isLessThan(1 << 20);
        Answer a = signed("/github/flag", body);
        assertThat(a.status()).isEqualTo(200);
        JsonNode f = a.json();
        assertThat(f).hasSize(n);
        int truePositives = 0;
        for (JsonNode e : f) {
            truePositives += e.get("label").asText().equals("true_positive") ? 1 : 0;
        }
        assertThat(truePositives).isEqualTo(1);
        assertThat(f.get(n / 2).get("label").asText()).isEqualTo("true_positive");
    }

    @Test
    void whenTheMethodOrPathIsWrongThenRefusedBeforeAnything() throws Exception {
        for (String method : List.of("GET", "PUT", "DELETE", "PATCH")) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(server.uri("/github/revoke"))
                    .method(method, HttpRequest.BodyPublishers.ofString("[]")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(method).isEqualTo(405);
            assertThat(r.headers().firstValue("Allow")).contains("POST");
        }
        byte[] body = "[]".getBytes(StandardCharsets.UTF_8);
        String sig = Fixture.sign(github.getPrivate(), body);
        RawHttp.Response r = RawHttp.post(server.port(), "/github/revoke;jsessionid=x", List.of("Content-Length: 2",
                SecretScanningServlet.KEY_IDENTIFIER_HEADER + ": " + KID, SecretScanningServlet.SIGNATURE_HEADER + ": " + sig), body);
        assertThat(r.status()).isEqualTo(400);
    }

    /** Last: the whole run's log holds no token, token hash or report URL. */
    @AfterAll
    void theLogHoldsNothingOfAReport() throws IOException {
        Path log = Path.of("target", "secret-scanning-tests.log");
        if (!Files.exists(log)) {
            return; // nothing was logged at all
        }
        String text = Files.readString(log, StandardCharsets.UTF_8);
        for (String s : secrets) {
            if (s != null && s.length() > 12) {
                assertThat(text).as("the log").doesNotContain(s);
            }
        }
        assertThat(text).doesNotContain("octocat");
    }
}
