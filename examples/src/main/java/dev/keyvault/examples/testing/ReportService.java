package dev.keyvault.examples.testing;

import dev.keyvault.KeyManager;
import dev.keyvault.UsageEvent;
import dev.keyvault.VerificationResult;
import java.time.Clock;
import java.util.Optional;

/**
 * A host application's service that takes an API key from its caller: the kind of class whose unit
 * tests use {@code KeyManager.inMemory(clock)} (see {@code ReportServiceTest} in this module's tests).
 */
public final class ReportService {
    private final KeyManager keys;
    private final Clock clock;

    public ReportService(KeyManager keys, Clock clock) {
        this.keys = keys;
        this.clock = clock;
    }

    /** The monthly report for the key's owner, if the token is valid and has {@code reports:read}. */
    public Optional<String> monthlyReport(String token, String clientIp) {
        VerificationResult result = keys.verify(token);
        int status = !result.isVerified() ? 401
                : ((VerificationResult.Verified) result).grants("reports:read") ? 200 : 403;
        result.keyId().ifPresent(id -> keys.recordUsage(id, UsageEvent.of(clock.instant(), "CALL", "monthlyReport", clientIp, status)));
        if (status != 200) {
            return Optional.empty();
        }
        return Optional.of("report for " + ((VerificationResult.Verified) result).owner());
    }
}
