package dev.keyvault.cli.internal;

import dev.keyvault.rotation.EmergencyRotation;
import dev.keyvault.rotation.UsageAudit;
import java.time.Duration;
import java.time.Instant;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code keyvault keys audit ID}. */
@Command(name = "audit",
        header = "Audit a key's usage: hours, endpoints, addresses, spikes, use after revocation.",
        description = "What a key was used for: requests per hour, endpoints (with 403s), client addresses with first and"
                + " last seen and the ones never seen before, spike hours, and use after revocation. Works on revoked keys."
                + " Default window: the last 7 days.",
        footerHeading = "%nExample (the guide's 'audit a leaked key' step):%n",
        footer = {"  keyvault keys audit 7hQ2LmN4pR8s --since 7d",
                "%nJSON: {command, keyId, from, to, totalRequests, baselinePerHour, refusedForScope, requestsAfterRevocation,"
                        + " hourly: [{hour, requests}], spikes: [{hour, requests}], endpoints: [{method, endpoint, requests,"
                        + " refusedForScope, unauthorized, firstSeen, lastSeen}], clientIps: [{clientIp, requests, firstSeen,"
                        + " lastSeen, userAgents, consumers, newInWindow}], newClientIps: [address], afterRevocation: [{client,"
                        + " clientIp, requests, firstSeen, lastSeen, endpoints}]}."})
final class KeysAuditCommand extends BaseCommand {
    @Parameters(index = "0", paramLabel = "<key-id>", description = "The key.")
    String id;

    @Mixin
    TimeWindow window;

    private Instant[] range;

    @Override
    void validate(Context ctx) {
        keyId(id, "<key-id>");
        range = window.resolve(ctx.clock().instant(), EmergencyRotation.AUDIT_WINDOW);
    }

    @Override
    int run(Context ctx, Session session) {
        var keys = session.keys();
        existing(keys, id);
        UsageAudit audit;
        Duration length = Duration.between(range[0], range[1]);
        try (Progress p = Progress.start(ctx, "auditing " + Durations.human(length) + " of usage of " + id, 0)) {
            audit = keys.rotation().usageAudit(id, range[0], range[1]);
        }
        if (ctx.json()) {
            ctx.emit(Views.audit(result(), audit));
        } else {
            Views.printAudit(ctx, audit);
        }
        return ExitCode.OK;
    }
}
