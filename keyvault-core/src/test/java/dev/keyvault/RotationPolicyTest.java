package dev.keyvault;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keyvault.rotation.RiskClass;
import dev.keyvault.rotation.RiskClassifier;
import dev.keyvault.rotation.RotationPolicy;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RotationPolicyTest {
    private final RiskClassifier classifier = RiskClassifier.defaults();

    @Test
    void whenScopesAreClassifiedByDefaultThenTheGuidesRiskClassesResult() {
        assertThat(classifier.classify(Set.of())).isEqualTo(RiskClass.READ_ONLY);
        assertThat(classifier.classify(Set.of("kb:read", "reports.view"))).isEqualTo(RiskClass.READ_ONLY);
        assertThat(classifier.classify(Set.of("kb:read", "kb:write"))).isEqualTo(RiskClass.WRITE);
        assertThat(classifier.classify(Set.of("billing.refund"))).isEqualTo(RiskClass.WRITE);
        assertThat(classifier.classify(Set.of("kb:*"))).isEqualTo(RiskClass.BROAD);
        assertThat(classifier.classify(Set.of("org:admin"))).isEqualTo(RiskClass.BROAD);
        assertThat(classifier.classify(Set.of("a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k"))).isEqualTo(RiskClass.BROAD);
        assertThat(classifier.classify(Set.of("*"))).isEqualTo(RiskClass.FULL_ACCESS);
        assertThat(classifier.classify(Set.of("kb:read", "full_access"))).isEqualTo(RiskClass.FULL_ACCESS);
    }

    @Test
    void whenPolicyIsDefaultThenCadencesAreTheGuidesTable() {
        RotationPolicy p = RotationPolicy.defaults();
        assertThat(p.cadence(RiskClass.READ_ONLY)).isEqualTo(Duration.ofDays(365));
        assertThat(p.cadence(RiskClass.WRITE)).isEqualTo(Duration.ofDays(180));
        assertThat(p.cadence(RiskClass.BROAD)).isEqualTo(Duration.ofDays(90));
        assertThat(p.cadence(RiskClass.FULL_ACCESS)).isEqualTo(Duration.ofDays(90));
        assertThat(p.cadence(RiskClass.COMPROMISED)).isZero();
        assertThat(p.warningWindow()).isEqualTo(Duration.ofDays(14));
    }

    @Test
    void whenPolicyIsCustomizedThenItsCadenceAndClassifierApply() {
        RotationPolicy p = RotationPolicy.builder()
                .cadence(RiskClass.WRITE, Duration.ofDays(30))
                .warningWindow(Duration.ofDays(3))
                .classifier(scopes -> scopes.contains("deploy") ? RiskClass.WRITE : RiskClass.READ_ONLY)
                .build();
        assertThat(p.cadence(RiskClass.WRITE)).isEqualTo(Duration.ofDays(30));
        assertThat(p.cadence(RiskClass.READ_ONLY)).isEqualTo(Duration.ofDays(365));
        assertThat(p.classifier().classify(Set.of("deploy"))).isEqualTo(RiskClass.WRITE);
    }

    @Test
    void whenScopeHasAWildcardThenItGrantsItsNamespaceOnly() {
        ApiKey key = new ApiKey("AAAAAAAAAAAA", "kv", "o", "n", Set.of("kb:*", "reports:read"), "default", "default", Set.of(),
                java.util.Optional.empty(), java.time.Instant.EPOCH, java.util.Optional.empty(), java.util.Optional.empty(),
                KeyStatus.ACTIVE, java.util.Optional.empty(), java.util.Optional.empty(), java.util.Optional.empty(), false);
        assertThat(key.grants("kb:read")).isTrue();
        assertThat(key.grants("kb:write")).isTrue();
        assertThat(key.grants("kbx:read")).isFalse();
        assertThat(key.grants("reports:read")).isTrue();
        assertThat(key.grants("reports:write")).isFalse();
    }
}
