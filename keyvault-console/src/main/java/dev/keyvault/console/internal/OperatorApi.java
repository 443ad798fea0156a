package dev.keyvault.console.internal;

import dev.keyvault.ApiKey;
import dev.keyvault.KeyManager;
import dev.keyvault.KeyQuery;
import dev.keyvault.Syntax;
import dev.keyvault.console.ConsoleConfig;
import dev.keyvault.rotation.ComplianceReport;
import dev.keyvault.rotation.EmergencyRotation;
import dev.keyvault.rotation.RevokeAllResult;
import dev.keyvault.rotation.RevokeSelector;
import dev.keyvault.rotation.UsageAudit;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Optional;

/** The operator half of the API: every owner's keys, rotations due, compliance, emergencies, bulk revocation. */
final class OperatorApi {
    /** The longest window an audit may cover in one request. */
    static final Duration MAX_AUDIT_WINDOW = Duration.ofDays(31);

    private final KeyManager keys;
    private final ConsoleConfig config;
    private final DueRotations due;

    OperatorApi(KeyManager keys, ConsoleConfig config) {
        this.keys = keys;
        this.config = config;
        this.due = new DueRotations(keys);
    }

    void keys(Call call) throws IOException {
        call.requireOperator();
        KeyQuery query = KeyQuery.all();
        Optional<String> owner = call.query("owner");
        if (owner.isPresent()) {
            query = query.withOwner(Syntax.text("owner", owner.get(), Syntax.MAX_OWNER));
        }
        Optional<String> status = call.query("status");
        if (status.isPresent()) {
            query = query.withStatus(SelfServiceApi.status(status.get()));
        }
        Optional<String> environment = call.query("environment");
        if (environment.isPresent()) {
            query = query.withEnvironment(Syntax.slug("environment", environment.get()));
        }
        Optional<String> tag = call.query("tag");
        if (tag.isPresent()) {
            query = query.withTag(tag.get());
        }
        SelfServiceApi.page(call, query, config.pageSize());
    }

    void due(Call call) throws IOException {
        call.requireOperator();
        int limit = call.limit(config.pageSize());
        DueRotations.Page page = due.page(call.now, call.query("after"), limit);
        List<Views.Due> items = page.items().stream().map(d -> Views.due(call.views(), d, call.now)).toList();
        call.json(200, new Views.DuePage(call.now, new Views.DueCounts(page.overdue(), page.due(), page.upcoming()), items,
                page.next()));
    }

    void compliance(Call call) throws IOException {
        call.requireOperator();
        Duration maxAge = config.complianceMaxAge();
        Optional<String> given = call.query("maxAge");
        if (given.isPresent()) {
            try {
                maxAge = Duration.parse(given.get());
            } catch (DateTimeParseException e) {
                throw Problems.badRequest("maxAge must be an ISO-8601 duration such as P90D");
            }
            if (maxAge.isNegative() || maxAge.isZero()) {
                throw Problems.badRequest("maxAge must be positive");
            }
        }
        KeyQuery filter = KeyQuery.all();
        Optional<String> owner = call.query("owner");
        if (owner.isPresent()) {
            filter = filter.withOwner(owner.get());
        }
        Optional<String> environment = call.query("environment");
        if (environment.isPresent()) {
            filter = filter.withEnvironment(environment.get());
        }
        Optional<String> tag = call.query("tag");
        if (tag.isPresent()) {
            filter = filter.withTag(tag.get());
        }
        ComplianceReport report = keys.rotation().complianceReport(maxAge, filter);
        call.json(200, Views.compliance(call.views(), report));
    }

    void emergency(Call call, String id) throws IOException {
        call.requireOperator();
        ApiKey key = call.visibleKey(id);
        Requests.Emergency body = call.body(Requests.Emergency.class);
        String reason = Call.text("reason", body.reason(), Syntax.MAX_REASON, true);
        if (body.confirmName() == null || !body.confirmName().equals(key.name())) {
            throw Problems.unprocessable(Problems.CONFIRMATION, "Confirmation does not match",
                    "confirmName must be the key's name, exactly");
        }
        EmergencyRotation er = keys.rotation().emergencyRotate(key.id(), reason, call.user.id());
        Instant now = keys.clock().instant();
        ApiKey revoked = keys.get(key.id()).orElse(key);
        call.response.setHeader("Location", "keys/" + er.replacement().id());
        call.json(201, new Views.Emergency(er.revocation().outcome().name(), call.views().key(revoked, now),
                call.views().key(er.replacement(), now), er.successor().isPresent(), er.successor().map(s -> s.token()).orElse(null),
                er.audit().map(a -> Views.audit(call.views(), a, now)).orElse(null), er.auditFailure().orElse(null)));
    }

    void audit(Call call, String id) throws IOException {
        call.requireOperator();
        ApiKey key = call.visibleKey(id);
        Instant to = call.query("to").map(v -> SelfServiceApi.instant("to", v))
                .orElse(dev.keyvault.UsageRollup.minuteOf(call.now).plus(Duration.ofMinutes(1)));
        Instant from = call.query("from").map(v -> SelfServiceApi.instant("from", v))
                .orElse(to.minus(EmergencyRotation.AUDIT_WINDOW));
        if (to.isBefore(from)) {
            throw Problems.badRequest("to must not be before from");
        }
        if (Duration.between(from, to).compareTo(MAX_AUDIT_WINDOW) > 0) {
            throw Problems.badRequest("an audit covers at most 31 days");
        }
        UsageAudit audit = keys.rotation().usageAudit(key.id(), from, to);
        call.json(200, Views.audit(call.views(), audit, call.now));
    }

    void revokeAll(Call call) throws IOException {
        call.requireOperator();
        Requests.RevokeAll body = call.body(Requests.RevokeAll.class);
        if (body.owner() == null && body.tag() == null) {
            throw Problems.badRequest("select by owner or by tag (or both)");
        }
        RevokeSelector selector = new RevokeSelector(Optional.ofNullable(body.owner()), Optional.ofNullable(body.tag()),
                Optional.ofNullable(body.environment()));
        String reason = Call.text("reason", body.reason(), Syntax.MAX_REASON, true);
        boolean dryRun = !Boolean.FALSE.equals(body.dryRun());
        if (dryRun) {
            if (body.expectedCount() != null) {
                throw Problems.badRequest("expectedCount is only taken with dryRun false");
            }
            call.json(200, Views.revokeAll(call.views(), keys.rotation().revokeAll(selector, reason, call.user.id(), true), reason, call.now));
            return;
        }
        if (body.expectedCount() == null) {
            throw Problems.badRequest("expectedCount is required with dryRun false: the number of keys the dry run listed");
        }
        int selected = keys.rotation().revokeAll(selector, reason, call.user.id(), true).entries().size();
        if (selected != body.expectedCount()) {
            throw Problems.conflict(Problems.SELECTION_CHANGED, "Selection changed",
                    "The selection no longer matches the dry run; preview it again").with("selected", selected);
        }
        RevokeAllResult result = keys.rotation().revokeAll(selector, reason, call.user.id(), false);
        call.json(200, Views.revokeAll(call.views(), result, reason, keys.clock().instant()));
    }
}
