package dev.keyvault.scanning;

import static java.util.Objects.requireNonNull;

import dev.keyvault.CapacityExceededException;
import dev.keyvault.HashingException;
import dev.keyvault.KeyManager;
import dev.keyvault.KeyStoreException;
import dev.keyvault.scanning.internal.BoundedBody;
import dev.keyvault.scanning.internal.EcKeys;
import dev.keyvault.scanning.internal.LeakResponder;
import dev.keyvault.scanning.internal.Report;
import dev.keyvault.scanning.internal.ReportedToken;
import dev.keyvault.scanning.internal.Signatures;
import dev.keyvault.servlet.ApiKeyFilterConfig;
import dev.keyvault.servlet.ClientAddresses;
import dev.keyvault.servlet.FailureLimit;
import dev.keyvault.servlet.FailureLimiter;
import dev.keyvault.servlet.ProblemResponses;
import dev.keyvault.servlet.RequestFirewall;
import dev.keyvault.spi.SecretsSink;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * GitHub's secret-scanning partner endpoint: receives the alerts GitHub sends when it finds tokens
 * of a registered format in public repositories, gists, issues or npm packages, and deals with each
 * leaked key by {@link LeakPolicy}.
 *
 * <pre>{@code
 * SecretScanningServlet endpoint = SecretScanningServlet.builder(keys, signingKeys)
 *         .policy(LeakPolicy.REVOKE)
 *         .secretsSink(sink)                       // optional: then a revoked key gets a successor, delivered there
 *         .build();
 * servletContext.addServlet("github-secret-scanning", endpoint).addMapping("/github/secret-scanning");
 * }</pre>
 *
 * <h2>What it answers</h2>
 * <table>
 *   <caption>Statuses</caption>
 *   <tr><th>request</th><th>status</th></tr>
 *   <tr><td>a method other than POST</td><td>405, {@code Allow: POST}</td></tr>
 *   <tr><td>a path the {@link RequestFirewall} refuses</td><td>400</td></tr>
 *   <tr><td>from an address with too many failed signatures ({@link FailureLimit})</td><td>429, {@code Retry-After}</td></tr>
 *   <tr><td>{@code Github-Public-Key-Identifier} or {@code Github-Public-Key-Signature} missing, repeated or
 *       malformed; an identifier {@link SigningKeys} does not know; a signature that does not verify</td><td>401, no detail</td></tr>
 *   <tr><td>a body over {@link Builder#maxBodyBytes} (default 1 MiB), read no further</td><td>413</td></tr>
 *   <tr><td>a signed body that is not a well-formed alert</td><td>400</td></tr>
 *   <tr><td>the key store, or the fetch of GitHub's keys, failing</td><td>503, {@code Retry-After}</td></tr>
 *   <tr><td>a signed alert</td><td>200, GitHub's feedback: {@code [{"token_hash","token_type","label"}]}</td></tr>
 * </table>
 * Refusals are fixed {@code application/problem+json} bodies from {@link ProblemResponses} or
 * bodies of the same form; nothing of the request is echoed, and the feedback carries the SHA-256
 * of each token, never the token. Every 401 counts as a failure of the client address. Nothing of a
 * report — token, hash, URL — is logged.
 *
 * <h2>Each token</h2>
 * A token is a true positive only if it is the key's own token: keyvault's format with a valid
 * checksum, the manager's prefix, and a secret that verifies (so a well-formed token naming a real
 * key id, planted where GitHub will find it, revokes nothing). Then: {@link LeakPolicy#REVOKE}
 * revokes it, records the report ({@code LEAK_REPORTED}, the URL first in its detail; the reason of
 * the revocation names the URL and source), marks it compromised and audits its last week of usage,
 * and, with a {@link SecretsSink}, issues a successor and delivers it there (an emergency rotation);
 * {@link LeakPolicy#FLAG} marks it compromised and records the report, for a person to act on. A
 * key already revoked is a true positive with no further action. GitHub repeats reports: a repeated
 * one changes nothing, and of concurrent reports for one key, on any number of nodes, exactly one
 * revokes and rotates it. Outcomes go to the {@link LeakResponseListener}, and
 * {@code KeyEventListener.onLeakReported} fires for each new report.
 *
 * <p>GitHub signs no timestamp, so a captured alert can be replayed; replaying one changes nothing.
 * Immutable and thread-safe.
 */
public final class SecretScanningServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(SecretScanningServlet.class);

    /** The header naming the key GitHub signed with. */
    public static final String KEY_IDENTIFIER_HEADER = "Github-Public-Key-Identifier";
    /** The header holding the base64 DER ECDSA signature of the body. */
    public static final String SIGNATURE_HEADER = "Github-Public-Key-Signature";

    private static final byte[] UNAUTHORIZED = problem(401, "Unauthorized");
    private static final byte[] TOO_LARGE = problem(413, "Content Too Large");
    private static final byte[] MALFORMED = problem(400, "Bad Request");
    private static final byte[] NOT_ALLOWED = problem(405, "Method Not Allowed");

    private final transient KeyManager keys;
    private final transient SigningKeys signingKeys;
    private final transient LeakResponder responder;
    private final transient Optional<LeakResponseListener> listener;
    private final transient RequestFirewall firewall;
    private final transient ClientAddresses addresses;
    private final transient Optional<FailureLimiter> failures;
    private final transient ProblemResponses problems;
    private final int maxBodyBytes;

    private SecretScanningServlet(Builder b) {
        this.keys = b.keys;
        this.signingKeys = b.signingKeys;
        this.responder = new LeakResponder(b.keys, b.policy, b.sink, b.actor, "GitHub secret scanning");
        this.listener = b.listener;
        this.firewall = b.firewall;
        this.addresses = ClientAddresses.trusting(b.trustedProxies);
        this.failures = b.failureLimit.map(l -> FailureLimiter.create(l, b.keys.clock()));
        this.problems = ProblemResponses.from(ApiKeyFilterConfig.builder().build());
        this.maxBodyBytes = b.maxBodyBytes;
    }

    /** A builder for an endpoint acting on {@code keys}' keys, checking signatures with {@code signingKeys}. */
    public static Builder builder(KeyManager keys, SigningKeys signingKeys) {
        return new Builder(requireNonNull(keys, "keys"), requireNonNull(signingKeys, "signingKeys"));
    }

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        try {
            handle(request, response);
        } catch (KeyStoreException | CapacityExceededException | HashingException | SigningKeysUnavailableException e) {
            // GitHub sends the alert again later; everything done so far is idempotent.
            LOG.debug("secret-scanning alert not handled: {}", e.getClass().getName());
            problems.unavailable(response);
        } catch (IOException e) {
            LOG.debug("secret-scanning alert not read: {}", e.getClass().getName());
            write(response, 400, MALFORMED);
        } catch (RuntimeException e) {
            LOG.debug("secret-scanning alert failed: {}", e.getClass().getName());
            problems.internalError(response);
        }
    }

    private void handle(HttpServletRequest request, HttpServletResponse response) throws IOException {
        // Until the body is read, refusals go through this view: it first drops a body of up to 64 KiB (a
        // larger one ends the connection, said in the response); a client reusing the connection would
        // otherwise find it dropped under its next request, and closing it with the body unread can lose
        // the answer.
        HttpServletResponse refusals = ProblemResponses.refusing(request, response);
        if (!"POST".equals(request.getMethod())) {
            refusals.setHeader("Allow", "POST");
            write(refusals, 405, NOT_ALLOWED);
            return;
        }
        if (firewall.check(request).isPresent()) {
            problems.notCanonical(refusals);
            return;
        }
        String client = addresses.clientIp(request);
        if (failures.isPresent()) {
            long wait = failures.get().secondsToWait(client);
            if (wait > 0) {
                    problems.tooManyFailures(refusals, wait);
                return;
            }
        }
        String identifier = single(request, KEY_IDENTIFIER_HEADER);
        byte[] signature = Signatures.decode(single(request, SIGNATURE_HEADER));
        if (!EcKeys.isIdentifier(identifier) || signature == null) {
            unauthorized(refusals, client);
            return;
        }
        Optional<PublicKey> key = signingKeys.find(identifier);
        if (key.isEmpty()) {
            unauthorized(refusals, client);
            return;
        }
        byte[] body = BoundedBody.read(request.getInputStream(), request.getContentLengthLong(), maxBodyBytes);
        if (body == null) {
            closeAfter(response); // the rest of the body is not read
            write(response, 413, TOO_LARGE);
            return;
        }
        if (!Signatures.verify(key.get(), body, body.length, signature)) {
            unauthorized(response, client);
            return;
        }
        List<ReportedToken> tokens;
        try {
            tokens = Report.parse(body);
        } catch (Report.Malformed e) {
            write(response, 400, MALFORMED);
            return;
        }
        boolean[] truePositive = new boolean[tokens.size()];
        for (int i = 0; i < tokens.size(); i++) {
            LeakResponse r = responder.respond(tokens.get(i));
            truePositive[i] = r.truePositive();
            listener.ifPresent(l -> {
                try {
                    l.onLeakResponse(r);
                } catch (RuntimeException e) {
                    LOG.debug("LeakResponseListener threw {}; ignored", e.getClass().getName());
                }
            });
        }
        byte[] feedback = Report.feedback(tokens, truePositive);
        LOG.debug("secret-scanning alert: {} tokens, {} true positives", tokens.size(), count(truePositive));
        response.setStatus(200);
        response.setHeader("Cache-Control", "no-store");
        response.setContentType("application/json");
        response.setContentLength(feedback.length);
        response.getOutputStream().write(feedback);
    }

    private static void closeAfter(HttpServletResponse response) {
        response.setHeader("Connection", "close");
    }

    private void unauthorized(HttpServletResponse response, String client) throws IOException {
        failures.ifPresent(f -> f.failed(client));
        write(response, 401, UNAUTHORIZED);
    }

    /** The header's only value, or null if it is absent or repeated. */
    private static String single(HttpServletRequest request, String name) {
        List<String> values = Collections.list(request.getHeaders(name));
        return values.size() == 1 ? values.get(0) : null;
    }

    private static int count(boolean[] b) {
        int n = 0;
        for (boolean x : b) {
            n += x ? 1 : 0;
        }
        return n;
    }

    private static void write(HttpServletResponse response, int status, byte[] body) throws IOException {
        if (response.isCommitted()) {
            return;
        }
        response.setStatus(status);
        response.setHeader("Cache-Control", "no-store");
        response.setContentType("application/problem+json");
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }

    private static byte[] problem(int status, String title) {
        return ("{\"type\":\"about:blank\",\"title\":\"" + title + "\",\"status\":" + status + "}").getBytes(StandardCharsets.US_ASCII);
    }

    @Override
    public String toString() {
        return "SecretScanningServlet[keys=" + keys + ", signingKeys=" + signingKeys + "]";
    }

    /** Settings of a {@link SecretScanningServlet}; each setter states its default and checks its argument. */
    public static final class Builder {
        private final KeyManager keys;
        private final SigningKeys signingKeys;
        private LeakPolicy policy = LeakPolicy.REVOKE;
        private Optional<SecretsSink> sink = Optional.empty();
        private Optional<LeakResponseListener> listener = Optional.empty();
        private String actor = "github-secret-scanning";
        private int maxBodyBytes = 1 << 20;
        private String[] trustedProxies = new String[0];
        private Optional<FailureLimit> failureLimit = Optional.of(FailureLimit.DEFAULT);
        private RequestFirewall firewall = RequestFirewall.strict();

        private Builder(KeyManager keys, SigningKeys signingKeys) {
            this.keys = keys;
            this.signingKeys = signingKeys;
        }

        /** What to do with a leaked active key. Default {@link LeakPolicy#REVOKE}. */
        public Builder policy(LeakPolicy policy) {
            this.policy = requireNonNull(policy, "policy");
            return this;
        }

        /**
         * Where the successor of a key revoked by a report is delivered ({@link LeakPolicy#REVOKE}
         * only). Default none: no successor is issued, since nobody would receive its token.
         */
        public Builder secretsSink(SecretsSink sink) {
            this.sink = Optional.of(requireNonNull(sink, "sink"));
            return this;
        }

        /** Told what was done with each token. Default none. */
        public Builder listener(LeakResponseListener listener) {
            this.listener = Optional.of(requireNonNull(listener, "listener"));
            return this;
        }

        /** Who the key's history names for what the endpoint does. Default {@code github-secret-scanning}. */
        public Builder actor(String actor) {
            this.actor = dev.keyvault.Syntax.text("actor", actor, dev.keyvault.Syntax.MAX_ACTOR);
            return this;
        }

        /** The largest body read (bytes); a larger one is answered 413 unread. Default 1 MiB; 1 KiB to 64 MiB. */
        public Builder maxBodyBytes(int max) {
            if (max < 1024 || max > 64 << 20) {
                throw new IllegalArgumentException("maxBodyBytes must be between 1 KiB and 64 MiB");
            }
            this.maxBodyBytes = max;
            return this;
        }

        /**
         * Proxies whose {@code X-Forwarded-For} is believed for the client address the failure
         * limit counts (addresses or CIDR blocks). Default none.
         */
        public Builder trustedProxies(String... proxies) {
            ClientAddresses.trusting(requireNonNull(proxies, "proxies")); // checks them now
            this.trustedProxies = proxies.clone();
            return this;
        }

        /** Failed signatures allowed per client address before 429. Default {@link FailureLimit#DEFAULT} (20, then 20 a minute). */
        public Builder failureLimit(FailureLimit limit) {
            this.failureLimit = Optional.of(requireNonNull(limit, "limit"));
            return this;
        }

        /** No failure limit (for an endpoint only GitHub can reach). */
        public Builder withoutFailureLimit() {
            this.failureLimit = Optional.empty();
            return this;
        }

        /** The request firewall. Default {@link RequestFirewall#strict()}. */
        public Builder requestFirewall(RequestFirewall firewall) {
            this.firewall = requireNonNull(firewall, "firewall");
            return this;
        }

        /** @throws IllegalStateException if a secrets sink is set with {@link LeakPolicy#FLAG}, which issues no successor */
        public SecretScanningServlet build() {
            if (sink.isPresent() && policy == LeakPolicy.FLAG) {
                throw new IllegalStateException("a secrets sink receives successors, which only LeakPolicy.REVOKE issues");
            }
            return new SecretScanningServlet(this);
        }
    }
}
