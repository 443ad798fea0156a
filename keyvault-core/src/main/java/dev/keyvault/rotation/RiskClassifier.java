package dev.keyvault.rotation;

import java.util.Set;

/**
 * Derives a key's {@link RiskClass} from its scopes. Replace it through
 * {@link RotationPolicy.Builder#classifier(RiskClassifier)} when your scope names follow other
 * conventions; a key issued with an explicit risk class is not classified. Must be thread-safe and
 * must not return {@link RiskClass#COMPROMISED} (that comes only from marking a key compromised).
 */
@FunctionalInterface
public interface RiskClassifier {

    RiskClass classify(Set<String> scopes);

    /**
     * What identifies these rules in the stored rotation due dates ({@link RotationPolicy#fingerprint()}):
     * when it changes, due dates stamped under the old rules are recomputed. Default: the class name
     * (for a lambda, the class that declares it). Override it, and change it whenever the rules
     * change, if a new release of the same class classifies differently.
     */
    default String id() {
        String name = getClass().getName();
        int lambda = name.indexOf("$$Lambda");
        return lambda < 0 ? name : name.substring(0, lambda) + "$$Lambda";
    }

    /**
     * The default rules, first match wins:
     * <ol>
     *   <li>{@code FULL_ACCESS}: a scope {@code *}, {@code admin}, {@code root} or {@code full_access};</li>
     *   <li>{@code BROAD}: a wildcard scope such as {@code kb:*}, a scope whose last segment is
     *       {@code admin}, {@code manage} or {@code owner}, or more than 10 scopes;</li>
     *   <li>{@code WRITE}: a scope whose last segment (after the last {@code :} or {@code .}) is a
     *       write verb: {@code write}, {@code create}, {@code update}, {@code delete}, {@code edit},
     *       {@code publish}, {@code send}, {@code charge}, {@code refund}, {@code upload} or
     *       {@code rw}, or starts with {@code write};</li>
     *   <li>{@code READ_ONLY} otherwise, including no scopes.</li>
     * </ol>
     */
    static RiskClassifier defaults() {
        return DefaultRiskClassifier.INSTANCE;
    }
}
