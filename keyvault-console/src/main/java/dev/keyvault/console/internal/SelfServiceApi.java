package dev.keyvault.console.internal;

import dev.keyvault.ApiKey;
import dev.keyvault.IpAllowlist;
import dev.keyvault.IssuedKey;
import dev.keyvault.KeyManager;
import dev.keyvault.KeyQuery;
import dev.keyvault.KeySpec;
import dev.keyvault.KeyStatus;
import dev.keyvault.RevocationResult;
import dev.keyvault.RotateOptions;
import dev.keyvault.Syntax;
import dev.keyvault.console.ConsoleConfig;
import dev.keyvault.console.spi.Catalogue;
import dev.keyvault.rotation.CompletionResult;
import dev.keyvault.rotation.RotationStatus;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** The self-service half of the API: one owner's keys, as the "Settings → API keys" page uses them. */
final class SelfServiceApi {
    private static final String DEFAULT_ROTATE_REASON = "rotated in the console";
    private static final String DEFAULT_REVOKE_REASON = "revoked in the console";

    private final KeyManager keys;
    private final ConsoleConfig config;
    private final CsrfTokens csrf;

    SelfServiceApi(KeyManager keys, ConsoleConfig config, CsrfTokens csrf) {
        this.keys = keys;
        this.config = config;
        this.csrf = csrf;
    }

    void session(Call call) throws IOException {
        Views.Csrf token;
        if (csrf != null) {
            token = new Views.Csrf(CsrfTokens.HEADER, csrf.issue(call.user.id()));
        } else {
            token = config.csrf().hostCsrf().orElseThrow().token(call.request)
                    .map(t -> new Views.Csrf(t.headerName(), t.value())).orElse(null);
        }
        call.json(200, new Views.Session(new Views.User(call.user.id(), call.user.displayName()), call.user.operator(),
                List.copyOf(call.user.owners()), token, call.now, keys.rotation().quietPeriod(), keys.keyPrefix(),
                config.pageSize()));
    }

    void list(Call call) throws IOException {
        String owner = call.managedOwner(call.query("owner").orElse(null));
        KeyQuery query = KeyQuery.all().withOwner(owner);
        Optional<String> status = call.query("status");
        if (status.isPresent()) {
            query = query.withStatus(status(status.get()));
        }
        page(call, query, config.pageSize());
    }

    /** One keyset page: reads one more than the limit to know whether another page follows. */
    static void page(Call call, KeyQuery query, int defaultSize) throws IOException {
        int limit = call.limit(defaultSize);
        Optional<String> after = call.afterId();
        if (after.isPresent()) {
            query = query.withAfterId(after.get());
        }
        List<ApiKey> got = call.keys.page(query.withLimit(limit + 1));
        String next = null;
        if (got.size() > limit) {
            got = got.subList(0, limit);
            next = got.get(limit - 1).id();
        }
        call.json(200, new Views.KeyPage(call.now, call.views().keys(got, call.now), next));
    }

    static KeyStatus status(String value) {
        return switch (value) {
            case "active" -> KeyStatus.ACTIVE;
            case "revoked" -> KeyStatus.REVOKED;
            default -> throw Problems.badRequest("status must be active or revoked");
        };
    }

    void catalogue(Call call) throws IOException {
        String owner = call.managedOwner(call.query("owner").orElse(null));
        Catalogue c = config.access().catalogue(call.user, owner);
        call.json(200, new Views.Catalogue(owner, c.scopes().stream().map(s -> new Views.Scope(s.name(), s.description())).toList(),
                c.tiers(), c.environments()));
    }

    void create(Call call) throws IOException {
        Requests.CreateKey body = call.body(Requests.CreateKey.class);
        String owner = call.managedOwner(body.owner());
        String name = Call.text("name", body.name(), Syntax.MAX_NAME, true);
        Catalogue catalogue = config.access().catalogue(call.user, owner);
        List<String> scopes = body.scopes() == null ? List.of() : body.scopes();
        Set<String> seen = new HashSet<>();
        for (String s : scopes) {
            if (s == null || !catalogue.offersScope(s)) {
                throw Problems.unprocessable(Problems.NOT_OFFERED, "Not offered", "scopes may only name scopes of the catalogue");
            }
            if (!seen.add(s)) {
                throw Problems.badRequest("scopes lists a scope twice");
            }
        }
        String tier = body.tier() == null ? catalogue.tiers().get(0) : body.tier();
        if (!catalogue.tiers().contains(tier)) {
            throw Problems.unprocessable(Problems.NOT_OFFERED, "Not offered", "tier must be one of the catalogue's tiers");
        }
        String environment = body.environment() == null ? catalogue.environments().get(0) : body.environment();
        if (!catalogue.environments().contains(environment)) {
            throw Problems.unprocessable(Problems.NOT_OFFERED, "Not offered", "environment must be one of the catalogue's environments");
        }
        KeySpec.Builder spec = KeySpec.builder(owner, name).scopes(scopes).tier(tier).environment(environment).actor(call.user.id());
        if (body.expiresAt() != null) {
            Instant expires = instant("expiresAt", body.expiresAt());
            if (!expires.isAfter(call.now)) {
                throw Problems.badRequest("expiresAt must be in the future");
            }
            spec.expiresAt(expires);
        }
        if (body.ipAllowlist() != null) {
            spec.ipAllowlist(ipAllowlist(body.ipAllowlist()));
        }
        if (body.metadata() != null) {
            if (!call.user.operator()) {
                // a host may act on metadata (a plan, a customer id): only an operator may set it
                throw Problems.forbidden("Only an operator may set a key's metadata");
            }
            spec.metadata(metadata(body.metadata()));
        }
        IssuedKey issued = keys.issue(spec.build());
        call.response.setHeader("Location", "keys/" + issued.id());
        call.json(201, new Views.Issued(call.views().key(issued.key(), call.now), issued.token()));
    }

    void get(Call call, String id) throws IOException {
        ApiKey key = call.visibleKey(id);
        Views.Leak leak = key.compromised() || key.status() == KeyStatus.REVOKED
                ? LeakReports.of(key, keys.history(id)).orElse(null) : null;
        call.json(200, new Views.KeyDetail(call.now, call.views().key(key, call.now), leak));
    }

    void history(Call call, String id) throws IOException {
        call.visibleKey(id);
        call.json(200, Views.history(id, keys.history(id)));
    }

    void rotate(Call call, String id) throws IOException {
        ApiKey key = call.visibleKey(id);
        Requests.Rotate body = call.body(Requests.Rotate.class);
        String reason = Optional.ofNullable(Call.text("reason", body.reason(), Syntax.MAX_REASON, false)).orElse(DEFAULT_ROTATE_REASON);
        IssuedKey successor = keys.rotate(key.id(), RotateOptions.defaults().withActor(call.user.id()).withReason(reason));
        ApiKey predecessor = keys.get(key.id()).orElse(key);
        call.response.setHeader("Location", "keys/" + successor.id());
        call.json(201, new Views.Rotated(call.views().key(predecessor, call.now), call.views().key(successor.key(), call.now), successor.token()));
    }

    /** The old key of the rotation {@code id} takes part in: itself if it has a successor, else its predecessor. */
    private ApiKey oldKeyOf(Call call, String id) {
        ApiKey key = call.visibleKey(id);
        if (key.successorId().isPresent()) {
            return key;
        }
        if (key.predecessorId().isPresent()) {
            return call.visibleKey(key.predecessorId().get());
        }
        throw Problems.conflict(Problems.NOT_IN_ROTATION, "Not in a rotation", "This key has not been rotated");
    }

    void rotation(Call call, String id) throws IOException {
        ApiKey old = oldKeyOf(call, id);
        RotationStatus s = keys.rotation().status(old.id());
        Instant asOf = s.asOf();
        Instant to = Hours.floor(asOf).plus(Duration.ofHours(1));
        Instant from = to.minus(config.chartWindow());
        Map<Instant, Long> oldHours = Hours.perHour(keys.usage(old.id(), from, to), from, to);
        Map<Instant, Long> newHours = Hours.perHour(keys.usage(s.successor().id(), from, to), from, to);
        List<Views.Hour> hours = new ArrayList<>();
        for (Map.Entry<Instant, Long> e : oldHours.entrySet()) {
            hours.add(new Views.Hour(e.getKey(), e.getValue(), newHours.getOrDefault(e.getKey(), 0L)));
        }
        Duration remaining = s.quietPeriod().minus(s.oldKeyQuietFor());
        call.json(200, new Views.Rotation(call.views().key(s.predecessor(), asOf), call.views().key(s.successor(), asOf), asOf, s.rotatedAt(),
                s.state().name(), s.safeToRevoke(), s.oldKeyQuietSince(), s.oldKeyQuietFor(), s.quietPeriod(),
                remaining.isNegative() ? Duration.ZERO : remaining, s.deadline().orElse(null),
                Views.clients(s.clients(), blocking(s.blockingClients())), new Views.Chart(from, to, hours)));
    }

    void complete(Call call, String id) throws IOException {
        ApiKey old = oldKeyOf(call, id);
        Requests.Complete body = call.body(Requests.Complete.class);
        boolean force = Boolean.TRUE.equals(body.force());
        CompletionResult r;
        if (force) {
            String reason = Call.text("reason", body.reason(), Syntax.MAX_REASON, true);
            r = keys.rotation().forceComplete(old.id(), reason, call.user.id());
        } else {
            if (body.reason() != null) {
                throw Problems.badRequest("reason is only taken with force");
            }
            r = keys.rotation().complete(old.id(), call.user.id());
        }
        List<Views.Client> blocking = Views.clients(r.blockingClients(), blocking(r.blockingClients()));
        if (r.outcome() == CompletionResult.Outcome.REFUSED) {
            throw Problems.conflict(Problems.NOT_SAFE, "Not safe to complete",
                    "Clients are still on the old key, or it has not been quiet for the quiet period")
                    .with("reasons", r.reasons()).with("blockingClients", blocking);
        }
        call.json(200, new Views.Completion(r.outcome().name(), r.isRevoked(), r.status().state().name(), r.reasons(), blocking));
    }

    void revoke(Call call, String id) throws IOException {
        ApiKey key = call.visibleKey(id);
        Requests.Revoke body = call.body(Requests.Revoke.class);
        if (body.confirmName() == null || !body.confirmName().equals(key.name())) {
            throw Problems.unprocessable(Problems.CONFIRMATION, "Confirmation does not match",
                    "confirmName must be the key's name, exactly");
        }
        String reason = Optional.ofNullable(Call.text("reason", body.reason(), Syntax.MAX_REASON, false)).orElse(DEFAULT_REVOKE_REASON);
        if (key.status() == KeyStatus.REVOKED) {
            throw Problems.conflict(Problems.KEY_STATE, "Already revoked", "This key is already revoked");
        }
        RevocationResult r = keys.revoke(key.id(), reason, call.user.id());
        call.json(200, new Views.Revoked(r.outcome().name(), call.views().key(r.key().orElse(key), call.now)));
    }

    /** The request's allowlist, checked by the library's rules (whose messages never echo a range). */
    static IpAllowlist ipAllowlist(List<String> ranges) {
        if (ranges.contains(null)) {
            throw Problems.badRequest("ipAllowlist holds only CIDR blocks as text");
        }
        return IpAllowlist.of(ranges);
    }

    /** The request's metadata, checked by the library's rules. */
    static Map<String, String> metadata(Map<String, String> metadata) {
        if (metadata.containsKey(null) || metadata.containsValue(null)) {
            throw Problems.badRequest("metadata values are text");
        }
        return Syntax.metadata(metadata);
    }

    static Set<String> blocking(List<RotationStatus.ClientMigration> blocking) {
        Set<String> names = new HashSet<>();
        blocking.forEach(c -> names.add(c.client()));
        return names;
    }

    static Instant instant(String field, String value) {
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw Problems.badRequest(field + " must be an ISO-8601 instant such as 2026-06-01T12:00:00Z");
        }
    }
}
