package dev.keyvault.cli.internal;

import dev.keyvault.ApiKey;
import dev.keyvault.CreditBalance;
import dev.keyvault.KeyEvent;
import dev.keyvault.UsageRollup;
import dev.keyvault.rotation.RotationStatus;
import dev.keyvault.rotation.UsageAudit;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The JSON forms of the library's values, shared by the commands. These are the documented shapes:
 * fields are added, never renamed or removed.
 */
final class Views {
    private Views() {}

    /**
     * A key: {@code id, prefix, hint, owner, name, scopes, tier, environment, tags, riskClass (set at
     * issue, or null), status (ACTIVE|REVOKED), expired, compromised, createdAt, expiresAt, lastUsedAt,
     * predecessorId, successorId, revocation ({at, reason, actor} or null), ipAllowlist ([cidr]),
     * metadata ({name: value}), creditAccount (the credit balance's id, or null)}.
     */
    static Json.Obj key(ApiKey k, Instant now) {
        return Json.obj()
                .put("id", k.id())
                .put("prefix", k.prefix())
                .put("hint", k.hint())
                .put("owner", k.owner())
                .put("name", k.name())
                .put("scopes", List.copyOf(k.scopes()))
                .put("tier", k.tier())
                .put("environment", k.environment())
                .put("tags", List.copyOf(k.tags()))
                .put("riskClass", k.riskClass())
                .put("status", k.status())
                .put("expired", k.isExpiredAt(now))
                .put("compromised", k.compromised())
                .put("createdAt", k.createdAt())
                .put("expiresAt", k.expiresAt())
                .put("lastUsedAt", k.lastUsedAt())
                .put("predecessorId", k.predecessorId())
                .put("successorId", k.successorId())
                .put("revocation", k.revocation().map(r -> Json.obj()
                        .put("at", r.at()).put("reason", r.reason()).put("actor", r.actor())))
                .put("ipAllowlist", k.ipAllowlist().ranges())
                .put("metadata", k.metadata())
                .put("creditAccount", k.creditAccount());
    }

    /** A key's credits: {@code account, inStore, leasedHere, refill (none, daily@HH:MM:N, monthly@D:N), nextRefillAt}. */
    static Json.Obj credits(CreditBalance c) {
        return Json.obj().put("account", c.account()).put("inStore", c.inStore()).put("leasedHere", c.leasedHere())
                .put("refill", c.refill().encode()).put("nextRefillAt", c.nextRefillAt());
    }

    static List<Json.Obj> keys(List<ApiKey> keys, Instant now) {
        List<Json.Obj> out = new ArrayList<>(keys.size());
        for (ApiKey k : keys) {
            out.add(key(k, now));
        }
        return out;
    }

    /** A history entry: {@code at, type, actor, detail}. */
    static Json.Obj event(KeyEvent e) {
        return Json.obj().put("at", e.at()).put("type", e.type()).put("actor", e.actor()).put("detail", e.detail());
    }

    /**
     * A usage rollup: {@code minute, method, endpoint, clientIp, userAgent, consumer, client, status,
     * count, firstSeen, lastSeen, refusal} ({@code IP_NOT_ALLOWED}, {@code CREDITS_EXHAUSTED} or {@code ""}).
     */
    static Json.Obj rollup(UsageRollup r) {
        return Json.obj()
                .put("minute", r.minute())
                .put("method", r.method())
                .put("endpoint", r.endpoint())
                .put("clientIp", r.clientIp())
                .put("userAgent", r.userAgent())
                .put("consumer", r.consumer())
                .put("client", r.client())
                .put("status", r.status())
                .put("count", r.count())
                .put("firstSeen", r.firstSeen())
                .put("lastSeen", r.lastSeen())
                .put("refusal", r.refusal());
    }

    /**
     * A client seen on an old key: {@code client, clientIps, requestsOnOldKey, firstSeenOnOldKey,
     * lastSeenOnOldKey, requestsAfterRevocation, firstSeenOnSuccessor, migrated, blocking}.
     */
    static Json.Obj client(RotationStatus.ClientMigration c, boolean blocking) {
        return Json.obj()
                .put("client", c.client())
                .put("clientIps", List.copyOf(c.clientIps()))
                .put("requestsOnOldKey", c.requestsOnOldKey())
                .put("firstSeenOnOldKey", c.firstSeenOnOldKey())
                .put("lastSeenOnOldKey", c.lastSeenOnOldKey())
                .put("requestsAfterRevocation", c.requestsAfterRevocation())
                .put("firstSeenOnSuccessor", c.firstSeenOnSuccessor())
                .put("migrated", c.migrated())
                .put("blocking", blocking);
    }

    /**
     * A usage audit's fields (flattened into {@code keys audit}'s object, nested as {@code audit} in an
     * emergency rotation): {@code keyId, from, to, totalRequests, baselinePerHour, refusedForScope,
     * requestsAfterRevocation, hourly [{hour, requests}], spikes [{hour, requests}], endpoints [{method,
     * endpoint, requests, refusedForScope, unauthorized, firstSeen, lastSeen}], clientIps [{clientIp,
     * requests, firstSeen, lastSeen, userAgents, consumers, newInWindow}], newClientIps [address],
     * afterRevocation [{client, clientIp, requests, firstSeen, lastSeen, endpoints}], outsideAllowlist
     * [{clientIp, requests, firstSeen, lastSeen, endpoints}], refusedForCredits}.
     */
    static Json.Obj audit(Json.Obj into, UsageAudit a) {
        List<Json.Obj> hourly = new ArrayList<>();
        for (UsageAudit.HourlyVolume h : a.hourly()) {
            hourly.add(Json.obj().put("hour", h.hour()).put("requests", h.requests()));
        }
        List<Json.Obj> spikes = new ArrayList<>();
        for (UsageAudit.HourlyVolume h : a.spikes()) {
            spikes.add(Json.obj().put("hour", h.hour()).put("requests", h.requests()));
        }
        List<Json.Obj> endpoints = new ArrayList<>();
        for (UsageAudit.EndpointUsage e : a.endpoints()) {
            endpoints.add(Json.obj().put("method", e.method()).put("endpoint", e.endpoint()).put("requests", e.requests())
                    .put("refusedForScope", e.refusedForScope()).put("unauthorized", e.unauthorized())
                    .put("firstSeen", e.firstSeen()).put("lastSeen", e.lastSeen()));
        }
        List<Json.Obj> ips = new ArrayList<>();
        List<String> newIps = new ArrayList<>();
        for (UsageAudit.ClientIpUsage c : a.clientIps()) {
            ips.add(Json.obj().put("clientIp", c.clientIp()).put("requests", c.requests()).put("firstSeen", c.firstSeen())
                    .put("lastSeen", c.lastSeen()).put("userAgents", List.copyOf(c.userAgents()))
                    .put("consumers", List.copyOf(c.consumers())).put("newInWindow", c.newInWindow()));
            if (c.newInWindow()) {
                newIps.add(c.clientIp());
            }
        }
        List<Json.Obj> outside = new ArrayList<>();
        for (UsageAudit.RefusedAddress o : a.outsideAllowlist()) {
            outside.add(Json.obj().put("clientIp", o.clientIp()).put("requests", o.requests()).put("firstSeen", o.firstSeen())
                    .put("lastSeen", o.lastSeen()).put("endpoints", List.copyOf(o.endpoints())));
        }
        List<Json.Obj> late = new ArrayList<>();
        for (UsageAudit.LateUse l : a.afterRevocation()) {
            late.add(Json.obj().put("client", l.client()).put("clientIp", l.clientIp()).put("requests", l.requests())
                    .put("firstSeen", l.firstSeen()).put("lastSeen", l.lastSeen()).put("endpoints", List.copyOf(l.endpoints())));
        }
        return into
                .put("keyId", a.key().id())
                .put("from", a.from())
                .put("to", a.to())
                .put("totalRequests", a.totalRequests())
                .put("baselinePerHour", a.baselinePerHour())
                .put("refusedForScope", a.refusedForScope())
                .put("requestsAfterRevocation", a.requestsAfterRevocation())
                .put("hourly", hourly)
                .put("spikes", spikes)
                .put("endpoints", endpoints)
                .put("clientIps", ips)
                .put("newClientIps", newIps)
                .put("afterRevocation", late)
                .put("outsideAllowlist", outside)
                .put("refusedForCredits", a.refusedForCredits());
    }

    // ------------------------------------------------------------------------------------ human

    /** A key's state in one word for tables: active, expired, revoked, compromised. */
    static Table.Cell state(ApiKey k, Instant now) {
        if (!k.isActive()) {
            return Table.cell(k.compromised() ? "revoked (compromised)" : "revoked", Style.RED);
        }
        if (k.compromised()) {
            return Table.cell("compromised", Style.RED);
        }
        if (k.isExpiredAt(now)) {
            return Table.cell("expired", Style.YELLOW);
        }
        return Table.cell(k.successorId().isPresent() ? "active (rotating)" : "active", Style.GREEN);
    }

    /** {@code 3kP9xYb2QmZ7 'KB Sync Script — Production'}. */
    static String label(ApiKey k) {
        return k.id() + " '" + k.name() + "'";
    }

    static String joined(java.util.Collection<String> values) {
        return values.isEmpty() ? "-" : String.join(",", values);
    }

    /** Prints a usage audit for people: a summary line, then the tables that have rows. */
    static void printAudit(Context ctx, UsageAudit a) {
        Style style = ctx.style();
        ctx.line("usage of " + label(a.key()) + " from " + Instants.human(a.from()) + " to " + Instants.human(a.to()) + ": "
                + a.totalRequests() + " requests, " + a.endpoints().size() + " endpoints, " + a.clientIps().size()
                + " client addresses (" + a.newClientIps().size() + " new), " + a.spikes().size() + " spike hours (baseline "
                + String.format(java.util.Locale.ROOT, "%.1f", a.baselinePerHour()) + "/h), " + a.refusedForScope()
                + " refused for scope, " + a.requestsAfterRevocation() + " after revocation, " + a.requestsOutsideAllowlist()
                + " from outside the IP allowlist, " + a.refusedForCredits() + " refused for credits");
        if (!a.spikes().isEmpty()) {
            Table t = Table.of("SPIKE HOUR", "REQUESTS");
            for (UsageAudit.HourlyVolume h : a.spikes()) {
                t.row(Table.cell(Instants.human(h.hour()), Style.RED), h.requests());
            }
            ctx.line("");
            t.print(ctx.out(), style);
        }
        if (!a.endpoints().isEmpty()) {
            Table t = Table.of("METHOD", "ENDPOINT", "REQUESTS", "403", "401", "FIRST SEEN", "LAST SEEN");
            for (UsageAudit.EndpointUsage e : a.endpoints()) {
                t.row(e.method(), e.endpoint(), e.requests(), e.refusedForScope() > 0 ? Table.cell(String.valueOf(e.refusedForScope()),
                        Style.YELLOW) : "0", e.unauthorized(), Instants.human(e.firstSeen()), Instants.human(e.lastSeen()));
            }
            ctx.line("");
            t.print(ctx.out(), style);
        }
        if (!a.clientIps().isEmpty()) {
            Table t = Table.of("CLIENT ADDRESS", "REQUESTS", "NEW", "FIRST SEEN", "LAST SEEN", "USER AGENTS", "CONSUMERS");
            for (UsageAudit.ClientIpUsage c : a.clientIps()) {
                t.row(c.clientIp(), c.requests(), c.newInWindow() ? Table.cell("new", Style.YELLOW) : "", Instants.human(c.firstSeen()),
                        Instants.human(c.lastSeen()), joined(c.userAgents()), joined(c.consumers()));
            }
            ctx.line("");
            t.print(ctx.out(), style);
        }
        if (!a.outsideAllowlist().isEmpty()) {
            Table t = Table.of("OUTSIDE THE ALLOWLIST", "REQUESTS", "FIRST SEEN", "LAST SEEN", "ENDPOINTS");
            for (UsageAudit.RefusedAddress o : a.outsideAllowlist()) {
                t.row(Table.cell(o.clientIp(), Style.RED), o.requests(), Instants.human(o.firstSeen()), Instants.human(o.lastSeen()),
                        joined(o.endpoints()));
            }
            ctx.line("");
            t.print(ctx.out(), style);
        }
        if (!a.afterRevocation().isEmpty()) {
            Table t = Table.of("STILL USING THE REVOKED KEY", "ADDRESS", "REQUESTS", "FIRST SEEN", "LAST SEEN", "ENDPOINTS");
            for (UsageAudit.LateUse l : a.afterRevocation()) {
                t.row(Table.cell(l.client(), Style.RED), l.clientIp(), l.requests(), Instants.human(l.firstSeen()),
                        Instants.human(l.lastSeen()), joined(l.endpoints()));
            }
            ctx.line("");
            t.print(ctx.out(), style);
        }
    }
}
