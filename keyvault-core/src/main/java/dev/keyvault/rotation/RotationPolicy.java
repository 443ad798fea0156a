package dev.keyvault.rotation;

import static java.util.Objects.requireNonNull;

import dev.keyvault.ApiKey;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;

/**
 * How often keys must be rotated, by risk class, and how early to warn. Immutable and thread-safe.
 *
 * <p>Defaults (the rotation guide's table): read-only 365 days, write 180 days, broad 90 days,
 * full access 90 days, compromised immediately; warning window 14 days; the
 * {@linkplain RiskClassifier#defaults() default classifier}. A key is due {@code cadence} after it
 * was issued — a rotation issues a new key, so the successor's clock starts at the rotation.
 */
public final class RotationPolicy {
    private static final RotationPolicy DEFAULTS = builder().build();

    private final Map<RiskClass, Duration> cadence;
    private final Duration warningWindow;
    private final RiskClassifier classifier;
    private final String fingerprint;

    private RotationPolicy(Builder b) {
        this.cadence = new EnumMap<>(b.cadence);
        this.warningWindow = b.warningWindow;
        this.classifier = b.classifier;
        StringBuilder text = new StringBuilder("rotation-policy-1");
        for (RiskClass c : RiskClass.values()) {
            text.append('|').append(c.name()).append('=').append(cadence.get(c).toMillis());
        }
        text.append('|').append(requireNonNull(classifier.id(), "classifier id"));
        try {
            byte[] d = java.security.MessageDigest.getInstance("SHA-256")
                    .digest(text.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            this.fingerprint = java.util.HexFormat.of().formatHex(d, 0, 8);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    public static RotationPolicy defaults() {
        return DEFAULTS;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** How long a key of this class may live before rotation. */
    public Duration cadence(RiskClass riskClass) {
        return cadence.get(requireNonNull(riskClass, "riskClass"));
    }

    /** How long before its due date a key is reported as coming due. */
    public Duration warningWindow() {
        return warningWindow;
    }

    public RiskClassifier classifier() {
        return classifier;
    }

    /** The key's risk class: compromised, else set at issue, else derived from its scopes. */
    public RiskClass classify(ApiKey key) {
        requireNonNull(key, "key");
        if (key.compromised()) {
            return RiskClass.COMPROMISED;
        }
        RiskClass derived = key.riskClass().orElseGet(() -> requireNonNull(classifier.classify(key.scopes()), "classifier result"));
        if (derived == RiskClass.COMPROMISED) {
            throw new IllegalStateException("a RiskClassifier must not return COMPROMISED");
        }
        return derived;
    }

    /**
     * When the key must be rotated by: its creation plus the cadence of its risk class; a compromised
     * key since its creation (at once); an imported key since its import, if that is earlier (it is
     * due for rotation into keyvault's format).
     */
    public Instant dueAt(ApiKey key) {
        RiskClass risk = classify(key);
        Instant due = risk == RiskClass.COMPROMISED ? key.createdAt() : key.createdAt().plus(cadence(risk));
        if (key.importedAt().isPresent() && key.importedAt().get().isBefore(due)) {
            due = key.importedAt().get();
        }
        return due;
    }

    /**
     * What identifies this policy's due dates: 16 hex digits of a SHA-256 over the cadences and the
     * classifier's {@link RiskClassifier#id()} (the warning window moves no due date, so it is left
     * out). Keys store it beside their due date; a manager recomputes dates stamped by another policy.
     */
    public String fingerprint() {
        return fingerprint;
    }

    @Override
    public String toString() {
        return "RotationPolicy[cadence=" + cadence + ", warningWindow=" + warningWindow + ", classifier=" + classifier + "]";
    }

    /** Builds a {@link RotationPolicy}. Each setting may be given once. Not thread-safe. */
    public static final class Builder {
        private final EnumMap<RiskClass, Duration> cadence = new EnumMap<>(RiskClass.class);
        private final EnumMap<RiskClass, Boolean> cadenceSet = new EnumMap<>(RiskClass.class);
        private Duration warningWindow = Duration.ofDays(14);
        private boolean warningWindowSet;
        private RiskClassifier classifier = RiskClassifier.defaults();
        private boolean classifierSet;

        private Builder() {
            cadence.put(RiskClass.READ_ONLY, Duration.ofDays(365));
            cadence.put(RiskClass.WRITE, Duration.ofDays(180));
            cadence.put(RiskClass.BROAD, Duration.ofDays(90));
            cadence.put(RiskClass.FULL_ACCESS, Duration.ofDays(90));
            cadence.put(RiskClass.COMPROMISED, Duration.ZERO);
        }

        /**
         * The maximum age of keys of {@code riskClass}. Defaults: READ_ONLY 365 days, WRITE 180 days,
         * BROAD 90 days, FULL_ACCESS 90 days, COMPROMISED zero (fixed: a leaked key is due now).
         */
        public Builder cadence(RiskClass riskClass, Duration maxAge) {
            requireNonNull(riskClass, "riskClass");
            positive("maxAge", maxAge);
            if (riskClass == RiskClass.COMPROMISED) {
                throw new IllegalArgumentException("a compromised key is always due immediately");
            }
            if (cadenceSet.put(riskClass, Boolean.TRUE) != null) {
                throw new IllegalStateException("cadence for " + riskClass + " was already set");
            }
            cadence.put(riskClass, maxAge);
            return this;
        }

        /** How early keys are reported as coming due. Default: 14 days. */
        public Builder warningWindow(Duration warningWindow) {
            requireNonNull(warningWindow, "warningWindow");
            if (warningWindow.isNegative()) {
                throw new IllegalArgumentException("warningWindow must not be negative, was " + warningWindow);
            }
            if (warningWindowSet) {
                throw new IllegalStateException("warningWindow was already set");
            }
            warningWindowSet = true;
            this.warningWindow = warningWindow;
            return this;
        }

        /** Derives the risk class from scopes. Default: {@link RiskClassifier#defaults()}. */
        public Builder classifier(RiskClassifier classifier) {
            requireNonNull(classifier, "classifier");
            if (classifierSet) {
                throw new IllegalStateException("classifier was already set");
            }
            classifierSet = true;
            this.classifier = classifier;
            return this;
        }

        public RotationPolicy build() {
            return new RotationPolicy(this);
        }
    }

    private static void positive(String what, java.time.Duration value) {
        requireNonNull(value, what);
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(what + " must be positive, was " + value);
        }
    }
}
