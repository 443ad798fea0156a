package dev.keyvault.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keyvault.IssuedKey;
import dev.keyvault.KeyHashers;
import dev.keyvault.KeyManager;
import dev.keyvault.KeySpec;
import dev.keyvault.UsageRollup;
import dev.keyvault.memory.InMemoryKeyStore;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * The filter over real HTTP on a real container: each subclass runs every test here against its
 * container — credentials, keys, scopes, tiers, store failures, usage, hostile headers, and the
 * declarative installation.
 */
abstract class AbstractApiKeyFilterTest extends AbstractFilterTest {

    // --------------------------------------------------------------------------------- credentials

    @Test
    void whenNoCredentialThen401WithBareChallenge() throws Exception {
        TestServer server = serve();

        HttpResponse<String> response = get(server, "/articles/1");

        assertChallenge(response, 401, BARE);
        assertThat(response.body()).isEqualTo("{\"type\":\"about:blank\",\"title\":\"Unauthorized\",\"status\":401,"
                + "\"detail\":\"This request needs an API key\"}");
        assertThat(header(response, "Cache-Control")).isEqualTo("no-store");
    }

    @Test
    void whenValidBearerKeyWithScopeThen200WithPrincipalAndRoles() throws Exception {
        TestServer server = serve();
        IssuedKey key = issue("kb:read");

        HttpResponse<String> response = get(server, "/articles/1", "Authorization", bearer(key));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("owner=acme;principal=ApiKeyPrincipal;auth=API-Key;key=" + key.id()
                + ";kb:read=true;kb:write=false");
        assertThat(response.headers().firstValue("WWW-Authenticate")).isEmpty();
    }

    @Test
    void whenBearerSchemeInAnyCaseThenAccepted() throws Exception {
        TestServer server = serve();
        IssuedKey key = issue("kb:read");

        for (String scheme : List.of("bearer", "BEARER", "BeArEr")) {
            HttpResponse<String> response = get(server, "/articles/1", "Authorization", scheme + " " + key.token());
            assertThat(response.statusCode()).as(scheme).isEqualTo(200);
        }
    }

    @Test
    void whenValidXApiKeyThen200() throws Exception {
        TestServer server = serve();
        IssuedKey key = issue("kb:read");

        HttpResponse<String> response = get(server, "/articles/1", "X-API-Key", key.token());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("key=" + key.id());
    }

    @Test
    void whenOtherAuthorizationSchemeThenItIsNotACredential() throws Exception {
        TestServer server = serve();
        IssuedKey key = issue("kb:read");

        assertChallenge(get(server, "/articles/1", "Authorization", "Basic YWxhZGRpbjpvcGVuc2VzYW1l"), 401, BARE);
        // …and an API key next to it is used
        assertThat(get(server, "/articles/1", "Authorization", "Basic YWxhZGRpbjpvcGVuc2VzYW1l", "X-API-Key", key.token())
                .statusCode()).isEqualTo(200);
    }

    @Test
    void whenCustomHeaderNamesThenOnlyThoseAreRead() throws Exception {
        TestServer server = serve(config().withoutAuthorizationHeader().apiKeyHeader("X-Kb-Token").build());
        IssuedKey key = issue("kb:read");

        assertThat(get(server, "/articles/1", "X-Kb-Token", key.token()).statusCode()).isEqualTo(200);
        assertChallenge(get(server, "/articles/1", "Authorization", bearer(key)), 401, BARE);
        assertChallenge(get(server, "/articles/1", "X-API-Key", key.token()), 401, BARE);
    }

    @Test
    void whenKeyIsInQueryStringThenItIsNotRead() throws Exception {
        TestServer server = serve();
        IssuedKey key = issue("kb:read");

        for (String query : List.of("access_token", "api_key", "apiKey", "key")) {
            assertChallenge(get(server, "/articles/1?" + query + "=" + key.token()), 401, BARE);
        }
    }

    @Test
    void whenTwoDifferentCredentialsThen400InvalidRequest() throws Exception {
        TestServer server = serve();
        IssuedKey a = issue("kb:read");
        IssuedKey b = issue("kb:read");

        HttpResponse<String> response = get(server, "/articles/1", "Authorization", bearer(a), "X-API-Key", b.token());

        assertChallenge(response, 400, CONFLICTING);
        assertThat(response.body()).doesNotContain(a.token()).doesNotContain(b.token());
    }

    @Test
    void whenSameKeyInBothHeadersThen200() throws Exception {
        TestServer server = serve();
        IssuedKey key = issue("kb:read");

        assertThat(get(server, "/articles/1", "Authorization", bearer(key), "X-API-Key", key.token()).statusCode())
                .isEqualTo(200);
    }

    // ----------------------------------------------------------------------------- invalid keys

    @Test
    void whenKeyIsMalformedUnknownWrongRevokedOrExpiredThenTheSame401() throws Exception {
        TestServer server = serve();
        IssuedKey revoked = issue("kb:read");
        keys.revoke(revoked.id(), "leaked", "test");
        IssuedKey expired = issue(keys, KeySpec.builder("acme", "short-lived").scopes("kb:read")
                .expiresAt(clock.instant().plus(Duration.ofHours(1))).build());
        IssuedKey live = issue("kb:read");
        String wrongSecret = dev.keyvault.testing.Tokens.withWrongSecret(live.token());
        String unknown;
        try (KeyManager elsewhere = manager(InMemoryKeyStore.create())) {
            unknown = issue(elsewhere, KeySpec.builder("acme", "elsewhere").build()).token();
        }
        clock.advance(Duration.ofHours(2));

        Map<String, String> tokens = Map.of(
                "malformed", "kv_notakey",
                "unknown", unknown,
                "wrong secret", wrongSecret,
                "revoked", revoked.token(),
                "expired", expired.token());
        for (Map.Entry<String, String> t : tokens.entrySet()) {
            HttpResponse<String> viaBearer = get(server, "/articles/1", "Authorization", "Bearer " + t.getValue());
            HttpResponse<String> viaHeader = get(server, "/articles/1", "X-API-Key", t.getValue());
            for (HttpResponse<String> response : List.of(viaBearer, viaHeader)) {
                assertChallenge(response, 401, INVALID_TOKEN);
                assertThat(response.body()).as(t.getKey()).isEqualTo(INVALID_BODY);
            }
        }
    }

    @Test
    void whenKeyIsRevokedBetweenTwoRequestsThenTheNextOneIs401() throws Exception {
        TestServer server = serve();
        IssuedKey key = issue("kb:read");
        assertThat(get(server, "/articles/1", "Authorization", bearer(key)).statusCode()).isEqualTo(200);

        keys.revoke(key.id(), "leaked", "test");

        assertChallenge(get(server, "/articles/1", "Authorization", bearer(key)), 401, INVALID_TOKEN);
    }

    @Test
    void whenKeyExpiresThenItGets401() throws Exception {
        TestServer server = serve();
        IssuedKey key = issue(keys, KeySpec.builder("acme", "temp").scopes("kb:read")
                .expiresAt(clock.instant().plus(Duration.ofMinutes(10))).build());
        assertThat(get(server, "/articles/1", "X-API-Key", key.token()).statusCode()).isEqualTo(200);

        clock.advance(Duration.ofMinutes(10));

        assertChallenge(get(server, "/articles/1", "X-API-Key", key.token()), 401, INVALID_TOKEN);
        // the expired key's request is recorded against it, like a revoked key's
        assertThat(usage(keys, key.id())).extracting(r -> r.status() + " x" + r.count())
                .containsExactlyInAnyOrder("200 x1", "401 x1");
    }

    // ------------------------------------------------------------------------------------- scopes

    @Test
    void whenKeyLacksTheRouteScopeThen403InsufficientScope() throws Exception {
        TestServer server = serve();
        IssuedKey reader = issue("kb:read");

        HttpResponse<String> write = send(server, "POST", "/articles/1", "Authorization", bearer(reader));
        HttpResponse<String> admin = get(server, "/admin/users", "Authorization", bearer(reader));

        assertChallenge(write, 403, "Bearer realm=\"kb\", error=\"insufficient_scope\", scope=\"kb:write\"");
        assertChallenge(admin, 403, "Bearer realm=\"kb\", error=\"insufficient_scope\", scope=\"admin kb:read\"");
    }

    @Test
    void whenKeyHasAWildcardScopeThenItIsGranted() throws Exception {
        TestServer server = serve();
        IssuedKey kb = issue("kb:*");
        IssuedKey all = issue("*");

        assertThat(send(server, "POST", "/articles/1", "Authorization", bearer(kb)).statusCode()).isEqualTo(200);
        assertThat(get(server, "/articles/1", "Authorization", bearer(kb)).body()).endsWith("kb:read=true;kb:write=true");
        assertThat(get(server, "/admin/users", "Authorization", bearer(all)).statusCode()).isEqualTo(200);
    }

    @Test
    void whenHeadRequestThenTheGetRuleApplies() throws Exception {
        TestServer server = serve();
        IssuedKey reader = issue("kb:read");
        IssuedKey writer = issue("kb:write");

        assertThat(send(server, "HEAD", "/articles/1", "Authorization", bearer(reader)).statusCode()).isEqualTo(200);
        assertThat(send(server, "HEAD", "/articles/1", "Authorization", bearer(writer)).statusCode()).isEqualTo(403);
    }

    @Test
    void whenPathIsPermitAllThenNoKeyIsNeeded() throws Exception {
        TestServer server = serve();

        HttpResponse<String> response = get(server, "/health");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).startsWith("owner=null;principal=null;auth=null;key=null");
    }

    @Test
    void whenPathMatchesNoRuleThenDeniedByDefault() throws Exception {
        TestServer server = serve();
        IssuedKey all = issue("*");

        assertChallenge(get(server, "/internal/export"), 401, BARE);
        assertChallenge(get(server, "/internal/export", "Authorization", bearer(all)), 403,
                "Bearer realm=\"kb\", error=\"insufficient_scope\"");
        // a dot-segment does not walk around a rule: the request firewall refuses it before any rule is matched
        HttpResponse<String> dotted = get(server, "/articles/../internal/export", "Authorization", bearer(all));
        assertThat(dotted.statusCode()).isEqualTo(400);
        assertThat(dotted.body()).isEqualTo(FIREWALL_BODY);
    }

    @Test
    void whenUnmatchedPolicyIsAuthenticatedThenAnyValidKeyPassesAndUsageUsesTheServletMapping() throws Exception {
        TestServer server = serve(config().unmatched(UnmatchedPolicy.AUTHENTICATED).build());
        IssuedKey none = issue();

        assertChallenge(get(server, "/reports/2026/01"), 401, BARE);
        assertThat(get(server, "/reports/2026/01", "X-API-Key", none.token()).statusCode()).isEqualTo(200);

        assertThat(usage(keys, none.id())).singleElement().satisfies(r -> {
            assertThat(r.endpoint()).isEqualTo("/*");
            assertThat(r.status()).isEqualTo(200);
        });
    }

    @Test
    void whenUnmatchedPolicyIsPermitAllThenNoKeyIsNeeded() throws Exception {
        TestServer server = serve(config().unmatched(UnmatchedPolicy.PERMIT_ALL).build());

        assertThat(get(server, "/public/page").statusCode()).isEqualTo(200);
        assertChallenge(get(server, "/articles/1"), 401, BARE);
    }

    // ------------------------------------------------------------------------------------ tiers

    @Test
    void whenKeyExceedsItsTierThen429AndItRecoversWhenTheBucketRefills() throws Exception {
        TestServer server = serve();
        IssuedKey key = issue(keys, KeySpec.builder("acme", "tiny key").scopes("kb:read").tier("tiny").build());

        HttpResponse<String> first = get(server, "/articles/1", "X-API-Key", key.token());
        HttpResponse<String> second = get(server, "/articles/1", "X-API-Key", key.token());
        HttpResponse<String> third = get(server, "/articles/1", "X-API-Key", key.token());

        // tiny: a bucket of 2, one request back every 30 s (full from empty in 60 s)
        assertThat(first.statusCode()).isEqualTo(200);
        assertRateLimit(first, TINY_POLICY, "\"tiny\";r=1;t=30");
        assertThat(second.statusCode()).isEqualTo(200);
        assertRateLimit(second, TINY_POLICY, "\"tiny\";r=0;t=30");
        assertThat(third.statusCode()).isEqualTo(429);
        assertThat(third.headers().allValues("Retry-After")).containsExactly("30");
        assertRateLimit(third, TINY_POLICY, "\"tiny\";r=0;t=30");
        assertThat(header(third, "Content-Type")).startsWith(PROBLEM_JSON);
        assertThat(third.headers().firstValue("WWW-Authenticate")).isEmpty();
        assertThat(third.body()).isEqualTo("{\"type\":\"about:blank\",\"title\":\"Too Many Requests\",\"status\":429,"
                + "\"detail\":\"The API key's rate limit is exhausted\"}");

        clock.advance(Duration.ofSeconds(29));
        HttpResponse<String> almost = get(server, "/articles/1", "X-API-Key", key.token());
        assertThat(almost.statusCode()).isEqualTo(429);
        assertThat(header(almost, "Retry-After")).isEqualTo("1");
        assertRateLimit(almost, TINY_POLICY, "\"tiny\";r=0;t=1");
        clock.advance(Duration.ofSeconds(1));
        HttpResponse<String> refilled = get(server, "/articles/1", "X-API-Key", key.token());
        assertThat(refilled.statusCode()).isEqualTo(200);
        assertRateLimit(refilled, TINY_POLICY, "\"tiny\";r=0;t=30");

        clock.advance(Duration.ofSeconds(45)); // one request back after 30 s, half of the next one
        HttpResponse<String> partly = get(server, "/articles/1", "X-API-Key", key.token());
        assertThat(partly.statusCode()).isEqualTo(200);
        assertRateLimit(partly, TINY_POLICY, "\"tiny\";r=0;t=15");

        clock.advance(Duration.ofMinutes(2));
        HttpResponse<String> full = get(server, "/articles/1", "X-API-Key", key.token());
        assertThat(full.statusCode()).isEqualTo(200);
        assertRateLimit(full, TINY_POLICY, "\"tiny\";r=1;t=30");
    }

    @Test
    void whenAKeyHasATierThenEveryResponseToItCarriesTheRateLimitFields() throws Exception {
        TestServer server = serve();
        IssuedKey reader = issue("kb:read"); // tier default: 1,000 a second, burst 1,000
        IssuedKey tiny = issue(keys, KeySpec.builder("acme", "tiny reader").scopes("kb:read").tier("tiny").build());

        HttpResponse<String> ok = get(server, "/articles/1", "X-API-Key", reader.token());
        HttpResponse<String> forbidden = send(server, "POST", "/articles/1", "X-API-Key", reader.token());
        HttpResponse<String> notFound = get(server, "/articles/1/404", "X-API-Key", reader.token());
        HttpResponse<String> async = get(server, "/async/job", "X-API-Key", reader.token());
        HttpResponse<String> tinyForbidden = send(server, "POST", "/articles/1", "X-API-Key", tiny.token());

        assertThat(List.of(ok, forbidden, notFound, async)).extracting(HttpResponse::statusCode)
                .containsExactly(200, 403, 404, 202);
        String policy = "\"default\";q=1000;w=1";
        assertRateLimit(ok, policy, "\"default\";r=999;t=1");
        assertRateLimit(forbidden, policy, "\"default\";r=998;t=1");
        assertRateLimit(notFound, policy, "\"default\";r=997;t=1");
        assertRateLimit(async, policy, "\"default\";r=996;t=1");
        assertThat(tinyForbidden.statusCode()).isEqualTo(403);
        assertRateLimit(tinyForbidden, TINY_POLICY, "\"tiny\";r=1;t=30");
        // no key, no tier: no fields
        HttpResponse<String> anonymous = get(server, "/articles/1");
        assertThat(anonymous.headers().firstValue("RateLimit")).isEmpty();
        assertThat(anonymous.headers().firstValue("RateLimit-Policy")).isEmpty();
    }

    @Test
    void whenKeysShareATierThenEachHasItsOwnBucket() throws Exception {
        TestServer server = serve();
        IssuedKey a = issue(keys, KeySpec.builder("acme", "tiny a").scopes("kb:read").tier("tiny").build());
        IssuedKey b = issue(keys, KeySpec.builder("acme", "tiny b").scopes("kb:read").tier("tiny").build());

        for (int i = 0; i < 2; i++) {
            assertThat(get(server, "/articles/1", "X-API-Key", a.token()).statusCode()).isEqualTo(200);
        }
        assertThat(get(server, "/articles/1", "X-API-Key", a.token()).statusCode()).isEqualTo(429);
        assertThat(get(server, "/articles/1", "X-API-Key", b.token()).statusCode()).isEqualTo(200);
    }

    @Test
    void whenKeyTierIsNotConfiguredThenTheFallbackTierApplies() throws Exception {
        TestServer server = serve(config().fallbackTier("tiny").build());
        IssuedKey key = issue(keys, KeySpec.builder("acme", "gold").scopes("kb:read").tier("gold").build());

        assertThat(get(server, "/articles/1", "X-API-Key", key.token()).statusCode()).isEqualTo(200);
        assertThat(get(server, "/articles/1", "X-API-Key", key.token()).statusCode()).isEqualTo(200);
        assertThat(get(server, "/articles/1", "X-API-Key", key.token()).statusCode()).isEqualTo(429);
    }

    @Test
    void whenKeyWasIssuedWithoutATierThenTheFallbackTierLimitsIt() throws Exception {
        TestServer server = serve(ApiKeyFilterConfig.builder().realm(REALM).clock(clock)
                .rule(Rule.requireScopes("GET", "/articles/**", "kb:read"))
                .tier(Tier.of("free", 1, Duration.ofMinutes(1), 1))
                .tier(Tier.of("standard", 600, Duration.ofMinutes(1), 100))
                .fallbackTier("free")
                .build());
        IssuedKey untiered = issue("kb:read");
        assertThat(untiered.key().tier()).isEqualTo("default");

        assertThat(get(server, "/articles/1", "X-API-Key", untiered.token()).statusCode()).isEqualTo(200);
        assertThat(get(server, "/articles/1", "X-API-Key", untiered.token()).statusCode()).isEqualTo(429);
    }

    @Test
    void whenUnknownTiersAreDeclaredUnlimitedThenAKeyOfAnUnknownTierIsNotLimited() throws Exception {
        TestServer server = serve(ApiKeyFilterConfig.builder().realm(REALM).clock(clock)
                .rule(Rule.requireScopes("GET", "/articles/**", "kb:read"))
                .tier(Tier.of("free", 1, Duration.ofMinutes(1), 1))
                .unknownTiersUnlimited()
                .build());
        IssuedKey untiered = issue("kb:read");

        for (int i = 0; i < 5; i++) {
            HttpResponse<String> response = get(server, "/articles/1", "X-API-Key", untiered.token());
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("RateLimit")).isEmpty();
            assertThat(response.headers().firstValue("RateLimit-Policy")).isEmpty();
        }
    }

    /** The tier {@code tiny} of {@link #config()}: a bucket of 2 requests, full from empty in 60 s. */
    static final String TINY_POLICY = "\"tiny\";q=2;w=60";

    /**
     * The draft-ietf-httpapi-ratelimit-headers fields, once each, and none of the draft's older
     * {@code RateLimit-Limit}, {@code -Remaining} and {@code -Reset}.
     */
    static void assertRateLimit(HttpResponse<String> response, String policy, String limit) {
        assertThat(response.headers().allValues("RateLimit-Policy")).containsExactly(policy);
        assertThat(response.headers().allValues("RateLimit")).containsExactly(limit);
        assertThat(response.headers().map().keySet()).noneMatch(name -> name.toLowerCase(java.util.Locale.ROOT)
                .matches("ratelimit-(limit|remaining|reset)"));
    }

    @Test
    void whenNodesSharePostgreSqlBucketsThenTheTierHoldsAcrossNodes() throws Exception {
        DataSource pg = EmbeddedPostgres.dataSource();
        RateLimitStore.createPostgreSqlTable(pg, "servlet_test_buckets");
        KeyManager otherNode = manager(store);
        closeAfter.add(otherNode);
        ApiKeyFilterConfig shared = config().rateLimitStore(RateLimitStore.postgreSql(pg, "servlet_test_buckets")).build();
        TestServer nodeA = serve(keys, shared);
        TestServer nodeB = serve(otherNode, shared);
        IssuedKey key = issue(keys, KeySpec.builder("acme", "shared tiny").scopes("kb:read").tier("tiny").build());

        assertThat(get(nodeA, "/articles/1", "X-API-Key", key.token()).statusCode()).isEqualTo(200);
        HttpResponse<String> onB = get(nodeB, "/articles/1", "X-API-Key", key.token());
        assertThat(onB.statusCode()).isEqualTo(200);
        assertRateLimit(onB, TINY_POLICY, "\"tiny\";r=0;t=30");
        HttpResponse<String> refused = get(nodeA, "/articles/1", "X-API-Key", key.token());
        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(header(refused, "Retry-After")).isEqualTo("30");
        assertRateLimit(refused, TINY_POLICY, "\"tiny\";r=0;t=30");
        assertThat(get(nodeB, "/articles/1", "X-API-Key", key.token()).statusCode()).isEqualTo(429);

        clock.advance(Duration.ofSeconds(30));

        assertThat(get(nodeB, "/articles/1", "X-API-Key", key.token()).statusCode()).isEqualTo(200);
        assertThat(get(nodeA, "/articles/1", "X-API-Key", key.token()).statusCode()).isEqualTo(429);
    }

    @Test
    void whenPostgreSqlBucketStoreFailsThen503() throws Exception {
        // A real PostgreSQL, but the table the filter is told to use does not exist: every bucket operation fails.
        ApiKeyFilterConfig broken = config()
                .rateLimitStore(RateLimitStore.postgreSql(EmbeddedPostgres.dataSource(), "no_such_table")).build();
        TestServer server = serve(broken);
        IssuedKey key = issue("kb:read");

        HttpResponse<String> response = get(server, "/articles/1", "X-API-Key", key.token());

        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(header(response, "Retry-After")).isEqualTo("5");
        assertThat(response.body()).doesNotContain("owner=").doesNotContain("no_such_table");
    }

    // -------------------------------------------------------------------------------- store failure

    @Test
    void whenKeyStoreFailsThen503NeverA401NorAPassThrough() throws Exception {
        TestServer server = serve();
        IssuedKey key;
        try (KeyManager admin = manager(store)) {
            key = issue(admin, KeySpec.builder("acme", "cold").scopes("kb:read").build()); // not in the filter's cache
        }
        store.down();

        HttpResponse<String> response = get(server, "/articles/1", "Authorization", bearer(key));

        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(header(response, "Retry-After")).isEqualTo("5");
        assertThat(response.headers().firstValue("WWW-Authenticate")).isEmpty();
        assertThat(header(response, "Content-Type")).startsWith(PROBLEM_JSON);
        assertThat(response.body()).isEqualTo("{\"type\":\"about:blank\",\"title\":\"Service Unavailable\",\"status\":503,"
                + "\"detail\":\"API keys cannot be checked right now\"}");

        store.up();
        assertThat(get(server, "/articles/1", "Authorization", bearer(key)).statusCode()).isEqualTo(200);
    }

    /** A stored hash that cannot be checked says nothing about the key: 503, never the 401 of a wrong secret. */
    @Test
    void whenTheStoredHashCannotBeCheckedThen503NeverA401() throws Exception {
        TestServer server = serve();
        IssuedKey key;
        try (KeyManager admin = manager(store)) {
            key = issue(admin, KeySpec.builder("acme", "corrupt").scopes("kb:read").build()); // not in the filter's cache
        }
        String hash = store.find(key.id()).orElseThrow().hash();
        store.replaceHash(key.id(), hash, hash.substring(0, hash.lastIndexOf('$') + 1) + "!!not-base64!!",
                new dev.keyvault.KeyEvent(key.id(), dev.keyvault.KeyEventType.NOTE, clock.instant(), "test", "corrupted"));

        HttpResponse<String> response = get(server, "/articles/1", "Authorization", bearer(key));

        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(response.headers().firstValue("WWW-Authenticate")).isEmpty();
        assertThat(response.body()).doesNotContain(hash).doesNotContain(key.token());
    }

    // ------------------------------------------------------------------------------------- legacy

    /**
     * Keys imported from the system keyvault replaced keep their tokens, whatever their shape: a
     * Sanctum-style {@code id|secret} is no RFC 6750 b64token, yet reaches verification when the
     * manager accepts legacy tokens, and gets the same answers as keyvault's own.
     */
    @Test
    void whenAManagerAcceptsLegacyTokensThenImportedKeysTokensWorkThroughTheFilter() throws Exception {
        KeyManager legacy = KeyManager.builder().store(store).clock(clock).hasher(KeyHashers.hmacSha256())
                .additionalHashers(KeyHashers.unsaltedSha256())
                .legacyTokens(dev.keyvault.LegacyTokenFormat.separated("|", dev.keyvault.LegacyTokenFormat.Hashed.AFTER_SEPARATOR))
                .usageFlushInterval(Duration.ZERO).changeFeedPollInterval(Duration.ZERO).build();
        closeAfter.add(legacy);
        String secret = "s3cr3tS3cr3tS3cr3tS3cr3tS3cr3tS3cr3tS3cr3t";
        String hex = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                .digest(secret.getBytes(StandardCharsets.US_ASCII)));
        legacy.importKey(dev.keyvault.KeyImport.builder("pat-17", KeySpec.builder("acme", "Old integration").scopes("kb:read").build(),
                clock.instant()).hash("sha256:" + hex, "17").build());
        ISSUED_TOKENS.add("17|" + secret);
        TestServer server = serve(legacy, config().build());

        assertThat(get(server, "/articles/1", "Authorization", "Bearer 17|" + secret).statusCode()).isEqualTo(200);
        assertThat(get(server, "/articles/1", "X-API-Key", "17|" + secret).statusCode()).isEqualTo(200);
        HttpResponse<String> wrong = get(server, "/articles/1", "X-API-Key", "17|" + secret.replace('s', 'x'));
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(header(wrong, "WWW-Authenticate")).isEqualTo(INVALID_TOKEN);
        assertThat(get(server, "/articles/1", "X-API-Key", "17|with space").statusCode()).isEqualTo(401);
        legacy.revoke(legacy.list("acme").get(0).id(), "migrated", "ops");
        assertThat(get(server, "/articles/1", "X-API-Key", "17|" + secret).statusCode()).isEqualTo(401);
    }

    /** A manager without a pepper is allowed in development, refused when the config requires one. */
    @Test
    void whenTheConfigRequiresAPepperThenAManagerWithoutOneIsRefused() throws Exception {
        KeyManager unpeppered = KeyManager.builder().store(store).clock(clock).usageFlushInterval(Duration.ZERO)
                .changeFeedPollInterval(Duration.ZERO).build();
        closeAfter.add(unpeppered);
        assertThat(unpeppered.pepperStatus()).isEqualTo(dev.keyvault.PepperStatus.NOT_CONFIGURED);

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new ApiKeyFilter(unpeppered, config().requirePepper().build()))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("KEYVAULT_PEPPER");
        TestServer server = serve(unpeppered, config().build()); // development: starts, with a warning
        IssuedKey key = issue(unpeppered, KeySpec.builder("acme", "dev").scopes("kb:read").build());
        assertThat(get(server, "/articles/1", "X-API-Key", key.token()).statusCode()).isEqualTo(200);
        KeyManager peppered = KeyManager.builder().store(store).clock(clock).pepper(dev.keyvault.Peppers.of("v1", new byte[32]))
                .usageFlushInterval(Duration.ZERO).changeFeedPollInterval(Duration.ZERO).build();
        closeAfter.add(peppered);
        assertThat(new ApiKeyFilter(peppered, config().requirePepper().build())).isNotNull();
    }

    // ---------------------------------------------------------------------------------------- usage

    @Test
    void whenRequestsAreMadeThenUsageIsRecordedWithRouteLabelIpAgentAndStatus() throws Exception {
        TestServer server = serve();
        IssuedKey key = issue("kb:read");

        get(server, "/articles/123", "X-API-Key", key.token(), "User-Agent", "sync-script/1.0");
        get(server, "/articles/456", "X-API-Key", key.token(), "User-Agent", "sync-script/1.0");
        get(server, "/articles/789/404", "X-API-Key", key.token(), "User-Agent", "sync-script/1.0");
        send(server, "POST", "/articles/123", "X-API-Key", key.token(), "User-Agent", "sync-script/1.0");

        List<UsageRollup> rollups = usage(keys, key.id());
        assertThat(rollups).extracting(r -> r.method() + " " + r.endpoint() + " " + r.clientIp() + " " + r.userAgent()
                        + " " + r.status() + " x" + r.count())
                .containsExactlyInAnyOrder(
                        "GET /articles/** 127.0.0.1 sync-script/1.0 200 x2",
                        "GET /articles/** 127.0.0.1 sync-script/1.0 404 x1",
                        "POST /articles/** 127.0.0.1 sync-script/1.0 403 x1");
    }

    @Test
    void whenRevokedKeyIsUsedThenTheRequestIsRecordedAgainstItWith401() throws Exception {
        TestServer server = serve();
        IssuedKey key = issue("kb:read");
        keys.revoke(key.id(), "rotated away", "test");

        assertChallenge(get(server, "/articles/9", "Authorization", bearer(key)), 401, INVALID_TOKEN);

        assertThat(usage(keys, key.id())).singleElement().satisfies(r -> {
            assertThat(r.endpoint()).isEqualTo("/articles/**");
            assertThat(r.status()).isEqualTo(401);
            assertThat(r.count()).isEqualTo(1);
        });
    }

    @Test
    void whenRateLimitedThenTheRefusalIsRecordedWith429() throws Exception {
        TestServer server = serve();
        IssuedKey key = issue(keys, KeySpec.builder("acme", "tiny usage").scopes("kb:read").tier("tiny").build());

        for (int i = 0; i < 3; i++) {
            get(server, "/articles/1", "X-API-Key", key.token());
        }

        assertThat(usage(keys, key.id())).extracting(r -> r.status() + " x" + r.count())
                .containsExactlyInAnyOrder("200 x2", "429 x1");
    }

    @Test
    void whenApplicationThrowsThenUsageRecords500() throws Exception {
        TestServer server = serve();
        IssuedKey key = issue("kb:read");

        assertThat(get(server, "/fail/boom", "X-API-Key", key.token()).statusCode()).isEqualTo(500);

        assertThat(usage(keys, key.id())).singleElement().satisfies(r -> {
            assertThat(r.endpoint()).isEqualTo("/fail/**");
            assertThat(r.status()).isEqualTo(500);
        });
    }

    @Test
    void whenRequestIsAsyncThenUsageRecordsTheFinalStatus() throws Exception {
        TestServer server = serve();
        IssuedKey key = issue();

        assertThat(get(server, "/async/job", "X-API-Key", key.token()).statusCode()).isEqualTo(202);

        // onComplete runs on a container thread around the time the response is sent: wait for it (not for time)
        List<UsageRollup> rollups = usage(keys, key.id());
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (rollups.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(5);
            rollups = usage(keys, key.id());
        }
        assertThat(rollups).singleElement().satisfies(r -> {
            assertThat(r.endpoint()).isEqualTo("/async/**");
            assertThat(r.status()).isEqualTo(202);
        });
    }

    @Test
    void whenTrustedProxyForwardsThenXForwardedForIsTheClient() throws Exception {
        TestServer trusting = serve(config().trustedProxies("127.0.0.1", "10.0.0.0/8").build());
        TestServer untrusting = serve();
        IssuedKey viaProxy = issue("kb:read");
        IssuedKey direct = issue("kb:read");

        // client 203.0.113.7 → proxy 10.1.2.3 → proxy 127.0.0.1 (the connection)
        get(trusting, "/articles/1", "X-API-Key", viaProxy.token(), "X-Forwarded-For", "198.51.100.1, 203.0.113.7, 10.1.2.3");
        get(untrusting, "/articles/1", "X-API-Key", direct.token(), "X-Forwarded-For", "203.0.113.7");

        assertThat(usage(keys, viaProxy.id())).singleElement().extracting(UsageRollup::clientIp).isEqualTo("203.0.113.7");
        assertThat(usage(keys, direct.id())).singleElement().extracting(UsageRollup::clientIp).isEqualTo("127.0.0.1");
    }

    @Test
    void whenAClientLabelHeaderIsConfiguredThenClientsSharingAnAddressAndAgentAreRecordedApart() throws Exception {
        TestServer server = serve(config().clientLabelHeader("X-Client-Name").build());
        IssuedKey key = issue("kb:read");

        // two services behind one NAT, with one HTTP library: the same address and user agent
        get(server, "/articles/1", "X-API-Key", key.token(), "User-Agent", "okhttp/4.12", "X-Client-Name", "billing-sync");
        get(server, "/articles/2", "X-API-Key", key.token(), "User-Agent", "okhttp/4.12", "X-Client-Name", "reports");
        get(server, "/articles/3", "X-API-Key", key.token(), "User-Agent", "okhttp/4.12", "X-Client-Name", "reports");
        get(server, "/articles/4", "X-API-Key", key.token(), "User-Agent", "okhttp/4.12");

        assertThat(usage(keys, key.id()))
                .extracting(r -> r.clientIp() + " " + r.userAgent() + " [" + r.consumer() + "] x" + r.count() + " → " + r.client())
                .containsExactlyInAnyOrder(
                        "127.0.0.1 okhttp/4.12 [billing-sync] x1 → billing-sync",
                        "127.0.0.1 okhttp/4.12 [reports] x2 → reports",
                        "127.0.0.1 okhttp/4.12 [] x1 → 127.0.0.1 (okhttp/4.12)");
    }

    @Test
    void whenAClientLabelIsSetThenRotationStatusTellsTheClientsApart() throws Exception {
        TestServer server = serve(config().clientLabelHeader("X-Client-Name").build());
        IssuedKey old = issue("kb:read");
        IssuedKey successor = keys.rotate(old.id());
        ISSUED_TOKENS.add(successor.token());

        get(server, "/articles/1", "X-API-Key", old.token(), "User-Agent", "okhttp/4.12", "X-Client-Name", "billing-sync");
        get(server, "/articles/1", "X-API-Key", old.token(), "User-Agent", "okhttp/4.12", "X-Client-Name", "reports");
        get(server, "/articles/1", "X-API-Key", successor.token(), "User-Agent", "okhttp/4.12", "X-Client-Name", "billing-sync");

        assertThat(keys.rotation().status(old.id()).clients())
                .extracting(c -> c.client() + " migrated=" + c.migrated())
                .containsExactly("reports migrated=false", "billing-sync migrated=true");
    }

    @Test
    void whenTheClientLabelIsNotValidTextThenItIsRecordedAsAbsentAndTheRequestSucceeds() throws Exception {
        TestServer server = serve(config().clientLabelHeader("X-Client-Name").build());
        IssuedKey key = issue("kb:read");
        String tooLong = "c".repeat(dev.keyvault.Syntax.MAX_CLIENT + 1);

        List<RawHttp.Response> responses = List.of(
                RawHttp.get(server.port(), "/articles/1", "X-API-Key: " + key.token(), "User-Agent: t/1",
                        "X-Client-Name: " + tooLong),
                RawHttp.get(server.port(), "/articles/1", "X-API-Key: " + key.token(), "User-Agent: t/1",
                        "X-Client-Name: billing\tsync"), // a control character
                RawHttp.get(server.port(), "/articles/1", "X-API-Key: " + key.token(), "User-Agent: t/1",
                        "X-Client-Name: \u0085billing"), // a C1 control, as ISO-8859-1 decodes it
                RawHttp.get(server.port(), "/articles/1", "X-API-Key: " + key.token(), "User-Agent: t/1",
                        "X-Client-Name: billing", "X-Client-Name: reports"), // which one?
                RawHttp.get(server.port(), "/articles/1", "X-API-Key: " + key.token(), "User-Agent: t/1",
                        "X-Client-Name:    ")); // blank
        RawHttp.Response at = RawHttp.get(server.port(), "/articles/1", "X-API-Key: " + key.token(), "User-Agent: t/1",
                "X-Client-Name: ops@example.com");

        for (RawHttp.Response r : responses) {
            assertThat(r.status()).as(r.raw()).isEqualTo(200);
            assertThat(r.raw()).doesNotContain("billing").doesNotContain(tooLong).doesNotContain("reports");
        }
        assertThat(at.status()).isEqualTo(200);
        assertThat(usage(keys, key.id())).extracting(r -> "[" + r.consumer() + "] x" + r.count())
                .containsExactlyInAnyOrder("[] x5", "[ops@example.com] x1");
    }

    @Test
    void whenNoClientLabelHeaderIsConfiguredThenTheHeaderIsIgnored() throws Exception {
        TestServer server = serve();
        IssuedKey key = issue("kb:read");

        get(server, "/articles/1", "X-API-Key", key.token(), "X-Client-Name", "billing-sync");

        assertThat(usage(keys, key.id())).singleElement().extracting(UsageRollup::consumer).isEqualTo("");
    }

    @Test
    void whenUsageRecordingIsOffThenNothingIsRecorded() throws Exception {
        TestServer server = serve(config().recordUsage(false).build());
        IssuedKey key = issue("kb:read");

        assertThat(get(server, "/articles/1", "X-API-Key", key.token()).statusCode()).isEqualTo(200);

        assertThat(usage(keys, key.id())).isEmpty();
    }

    // ------------------------------------------------------------------------------------ hostile

    @Test
    void whenAuthorizationHeaderIs10KbThen431() throws Exception {
        TestServer server = serve();
        String huge = "Bearer kv_" + "A".repeat(10 * 1024);

        RawHttp.Response response = RawHttp.get(server.port(), "/articles/1", "Authorization: " + huge);

        assertThat(response.status()).isEqualTo(431);
        assertThat(response.headers("WWW-Authenticate")).isEmpty();
        assertThat(response.header("Content-Type")).startsWith(PROBLEM_JSON);
        assertThat(response.raw()).doesNotContain("AAAAAAAAAA");
    }

    @Test
    void whenApiKeyHeaderIs10KbThen431() throws Exception {
        TestServer server = serve();

        RawHttp.Response response = RawHttp.get(server.port(), "/articles/1", "X-API-Key: " + "k".repeat(10 * 1024));

        assertThat(response.status()).isEqualTo(431);
    }

    @Test
    void whenCredentialHeaderIsRepeatedThen400() throws Exception {
        TestServer server = serve();
        IssuedKey key = issue("kb:read");

        assertChallenge(RawHttp.get(server.port(), "/articles/1",
                "Authorization: " + bearer(key), "Authorization: " + bearer(key)), 400, REPEATED);
        assertChallenge(RawHttp.get(server.port(), "/articles/1",
                "X-API-Key: " + key.token(), "X-API-Key: " + key.token()), 400, REPEATED);
        assertChallenge(RawHttp.get(server.port(), "/articles/1",
                "X-API-Key: " + key.token(), "x-api-key: kv_other"), 400, REPEATED);
    }

    @Test
    void whenBearerHasNothingAfterItThen400() throws Exception {
        TestServer server = serve();

        assertChallenge(RawHttp.get(server.port(), "/articles/1", "Authorization: Bearer"), 400, EMPTY);
        assertChallenge(RawHttp.get(server.port(), "/articles/1", "Authorization: Bearer    "), 400, EMPTY);
        assertChallenge(RawHttp.get(server.port(), "/articles/1", "Authorization: bearer \t "), 400, EMPTY);
    }

    @Test
    void whenApiKeyHeaderIsEmptyThen400() throws Exception {
        TestServer server = serve();

        assertChallenge(RawHttp.get(server.port(), "/articles/1", "X-API-Key:"), 400, EMPTY);
        assertChallenge(RawHttp.get(server.port(), "/articles/1", "X-API-Key:    "), 400, EMPTY);
    }

    @Test
    void whenCredentialHasNonAsciiBytesThen401InvalidToken() throws Exception {
        TestServer server = serve();
        IssuedKey key = issue("kb:read");
        String latin1 = key.token().substring(0, 20) + "\u00e9\u00ff" + key.token().substring(22);

        assertChallenge(RawHttp.get(server.port(), "/articles/1", "Authorization: Bearer " + latin1), 401, INVALID_TOKEN);
        assertChallenge(RawHttp.get(server.port(), "/articles/1", "X-API-Key: " + latin1), 401, INVALID_TOKEN);
        // UTF-8 bytes of non-Latin text, sent raw
        byte[] utf8 = ("GET /articles/1 HTTP/1.1\r\nHost: x\r\nX-API-Key: kv_\u043a\u043b\u044e\u0447\u2603\r\n"
                + "Connection: close\r\n\r\n").getBytes(StandardCharsets.UTF_8);
        assertChallenge(RawHttp.send(server.port(), utf8), 401, INVALID_TOKEN);
    }

    @Test
    void whenCredentialHasSpacesOrControlCharactersThen401InvalidToken() throws Exception {
        TestServer server = serve();
        IssuedKey key = issue("kb:read");

        assertChallenge(RawHttp.get(server.port(), "/articles/1", "Authorization: Bearer " + key.token() + " extra"),
                401, INVALID_TOKEN);
        assertChallenge(RawHttp.get(server.port(), "/articles/1", "X-API-Key: " + key.token() + ",kv_other"),
                401, INVALID_TOKEN);
        assertChallenge(RawHttp.get(server.port(), "/articles/1", "X-API-Key: " + key.token() + "%0d%0aSet-Cookie:%20x=1"),
                401, INVALID_TOKEN);
    }

    @Test
    void whenCrLfIsInjectedThenNoHeaderIsInjectedAndNothingPasses() throws Exception {
        TestServer server = serve();
        IssuedKey key = issue("kb:read");
        String token = key.token();
        List<String> attacks = List.of(
                // a bare CR inside the value
                "X-API-Key: " + token + "\rSet-Cookie: injected=1",
                // a bare LF: RFC 9112 lets a recipient take it as the end of the line, which makes it two request headers
                "X-API-Key: " + token + "\nSet-Cookie: injected=1",
                // an obsolete line folding continuation
                "Authorization: Bearer\r\n " + token,
                // NUL and BEL bytes
                "X-API-Key: " + token + "\u0000\u0007",
                // CR LF percent-encoded: just characters that are not in a key
                "X-API-Key: " + token + "%0d%0aSet-Cookie:%20injected=1");

        List<Integer> statuses = new ArrayList<>();
        for (String attack : attacks) {
            RawHttp.Response response = RawHttp.send(server.port(), raw(attack));
            String what = attack.replace(token, "<key>").replace("\r", "\\r").replace("\n", "\\n");
            statuses.add(response.status());
            assertThat(response.headers("Set-Cookie")).as(what).isEmpty();
            assertThat(response.raw()).as(what).doesNotContain("injected").doesNotContain(token);
            if (response.status() == 401) {
                assertChallenge(response, 401, INVALID_TOKEN);
            } else if (response.status() == 200) {
                // the container ended the line at the bare LF, or unfolded the obs-fold: what is left is a valid key
                assertThat(response.body()).as(what).contains("key=" + key.id());
            }
        }
        assertThat(statuses).isEqualTo(crLfStatuses());
    }

    /**
     * This container's status for each attack of {@link #whenCrLfIsInjectedThenNoHeaderIsInjectedAndNothingPasses}:
     * 400 where the container refuses the request before any filter runs.
     */
    abstract List<Integer> crLfStatuses();

    static byte[] raw(String headerLine) {
        return ("GET /articles/1 HTTP/1.1\r\nHost: x\r\n" + headerLine + "\r\nConnection: close\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1);
    }

    @Test
    void whenManyRequestsCarryKeysThenNoKeyMaterialIsLogged() throws Exception {
        TestServer server = serve();
        IssuedKey valid = issue("kb:read");
        IssuedKey revoked = issue("kb:read");
        keys.revoke(revoked.id(), "leaked", "test");
        IssuedKey reader = issue("kb:read");

        get(server, "/articles/1", "Authorization", bearer(valid));
        get(server, "/articles/1", "Authorization", bearer(revoked));
        send(server, "POST", "/articles/1", "X-API-Key", reader.token());
        get(server, "/articles/1", "Authorization", bearer(valid), "X-API-Key", reader.token());
        RawHttp.get(server.port(), "/articles/1", "X-API-Key: " + valid.token() + "\u00e9");

        String log = Files.readString(LOG_FILE, StandardCharsets.ISO_8859_1);
        // the capture works: the filter's own debug lines are there…
        assertThat(log).contains("API key rejected: REVOKED").contains("key " + reader.id() + " lacks the scopes");
        // …and no key, secret or Authorization header is
        assertNoTokenLogged();
        assertThat(log.lines().filter(l -> l.contains("Bearer kv_")).collect(Collectors.toList())).isEmpty();
    }

    // -------------------------------------------------------------------------------- declarative

    @Test
    void whenInstalledDeclarativelyThenInitParamsConfigureIt() throws Exception {
        TestServer server = start(TestApp.declarative(Map.of(
                "realm", "kb",
                "rules", """
                        GET  /health      permitAll
                        GET  /articles/** kb:read
                        POST /articles/** kb:write
                        """,
                "tiers", "tiny 2/m burst 2",
                "fallback-tier", "tiny",
                "api-key-header", "X-Kb-Key",
                "client-label-header", "X-Client-Name"),
                Map.of(ApiKeyFilter.KEY_MANAGER_ATTRIBUTE, keys)));
        closeAfter.add(server);
        IssuedKey reader = issue(keys, KeySpec.builder("acme", "decl").scopes("kb:read").tier("tiny").build());

        assertThat(get(server, "/health").statusCode()).isEqualTo(200);
        assertChallenge(get(server, "/articles/1"), 401, BARE);
        assertThat(get(server, "/articles/1", "X-Kb-Key", reader.token(), "X-Client-Name", "docs-site").statusCode())
                .isEqualTo(200);
        assertChallenge(send(server, "POST", "/articles/1", "Authorization", bearer(reader)), 403,
                "Bearer realm=\"kb\", error=\"insufficient_scope\", scope=\"kb:write\"");
        assertThat(get(server, "/articles/1", "X-Kb-Key", reader.token()).statusCode()).isEqualTo(429);
        assertThat(usage(keys, reader.id())).extracting(r -> r.status() + " [" + r.consumer() + "]")
                .containsExactlyInAnyOrder("200 [docs-site]", "403 []", "429 []");
    }

    @Test
    void whenInstalledDeclarativelyWithAConfigAttributeThenItIsUsed() throws Exception {
        TestServer server = start(TestApp.declarative(Map.of(),
                Map.of(ApiKeyFilter.KEY_MANAGER_ATTRIBUTE, keys, ApiKeyFilter.CONFIG_ATTRIBUTE, config().build())));
        closeAfter.add(server);
        IssuedKey reader = issue("kb:read");

        assertThat(get(server, "/articles/1", "Authorization", bearer(reader)).statusCode()).isEqualTo(200);
        assertChallenge(send(server, "POST", "/articles/1", "Authorization", bearer(reader)), 403,
                "Bearer realm=\"kb\", error=\"insufficient_scope\", scope=\"kb:write\"");
    }

    @Test
    void whenDeclarativeFilterHasNoKeyManagerThenTheApplicationDoesNotStart() {
        TestApp app = TestApp.declarative(Map.of("rules", "GET /health permitAll"), Map.of());

        assertRefusedToStart(() -> closeAfter.add(start(app)),
                "no KeyManager in the ServletContext attribute 'dev.keyvault.KeyManager'");
    }

    @Test
    void whenDeclarativeFilterHasAnUnknownInitParamThenTheApplicationDoesNotStart() {
        TestApp app = TestApp.declarative(Map.of("rulez", "GET /** permitAll"), Map.of(ApiKeyFilter.KEY_MANAGER_ATTRIBUTE, keys));

        assertRefusedToStart(() -> closeAfter.add(start(app)), "init-param 'rulez': unknown parameter");
    }

    @Test
    void whenDeclarativeFilterHasTiersButNoFallbackThenTheApplicationDoesNotStart() {
        TestApp app = TestApp.declarative(Map.of("tiers", "free 60/m burst 10; standard 600/m burst 100"),
                Map.of(ApiKeyFilter.KEY_MANAGER_ATTRIBUTE, keys));

        assertRefusedToStart(() -> closeAfter.add(start(app)), "keys of a tier that is not configured");
    }

    @Test
    void whenDeclarativeFilterHasBothInitParamsAndAConfigAttributeThenTheApplicationDoesNotStart() {
        TestApp app = TestApp.declarative(Map.of("realm", "other"),
                Map.of(ApiKeyFilter.KEY_MANAGER_ATTRIBUTE, keys, ApiKeyFilter.CONFIG_ATTRIBUTE, config().build()));

        assertRefusedToStart(() -> closeAfter.add(start(app)), "either with init-params or with the ServletContext attribute");
    }

    /** The container refused to start the application, and the filter's init failure, for {@code reason}, is the cause. */
    static void assertRefusedToStart(org.assertj.core.api.ThrowableAssert.ThrowingCallable start, String reason) {
        org.assertj.core.api.Assertions.assertThatThrownBy(start).hasStackTraceContaining(reason);
    }
}
