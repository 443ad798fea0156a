package dev.keyvault.console;

import static java.util.Objects.requireNonNull;

import dev.keyvault.console.spi.ConsoleAccess;
import dev.keyvault.servlet.RequestFirewall;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;

/**
 * How a {@link ConsoleServlet} behaves. Build one with {@link #builder(ConsoleAccess)}; every setter
 * checks its argument at once and may be called once. Immutable and thread-safe.
 */
public final class ConsoleConfig {
    /** The largest page any list answers, whatever the request asks. */
    public static final int MAX_PAGE_SIZE = 200;

    private final ConsoleAccess access;
    private final CsrfProtection csrf;
    private final int pageSize;
    private final Duration complianceMaxAge;
    private final Duration chartWindow;
    private final RequestFirewall firewall;

    private ConsoleConfig(Builder b) {
        this.access = b.access;
        this.csrf = b.csrf == null ? CsrfProtection.builtIn() : b.csrf;
        this.pageSize = b.pageSize;
        this.complianceMaxAge = b.complianceMaxAge;
        this.chartWindow = b.chartWindow;
        this.firewall = b.firewall;
    }

    /** A builder over the host's access rules (required). */
    public static Builder builder(ConsoleAccess access) {
        return new Builder(requireNonNull(access, "access"));
    }

    public ConsoleAccess access() {
        return access;
    }

    public CsrfProtection csrf() {
        return csrf;
    }

    public int pageSize() {
        return pageSize;
    }

    public Duration complianceMaxAge() {
        return complianceMaxAge;
    }

    public Duration chartWindow() {
        return chartWindow;
    }

    public RequestFirewall firewall() {
        return firewall;
    }

    /** Builds a {@link ConsoleConfig}. Not thread-safe. */
    public static final class Builder {
        private final ConsoleAccess access;
        private final Set<String> set = new HashSet<>();
        private CsrfProtection csrf;
        private int pageSize = 50;
        private Duration complianceMaxAge = Duration.ofDays(90);
        private Duration chartWindow = Duration.ofHours(48);
        private RequestFirewall firewall = RequestFirewall.strict();

        private Builder(ConsoleAccess access) {
            this.access = access;
        }

        /** How state-changing requests are protected against CSRF. Default: {@link CsrfProtection#builtIn()}. */
        public Builder csrf(CsrfProtection csrf) {
            once("csrf");
            this.csrf = requireNonNull(csrf, "csrf");
            return this;
        }

        /** Keys per page when a request does not say (it may ask for up to {@value #MAX_PAGE_SIZE}). Default: 50. */
        public Builder pageSize(int pageSize) {
            once("pageSize");
            if (pageSize < 1 || pageSize > MAX_PAGE_SIZE) {
                throw new IllegalArgumentException("pageSize must be 1-" + MAX_PAGE_SIZE);
            }
            this.pageSize = pageSize;
            return this;
        }

        /** The maximum key age the compliance report checks when a request does not say. Default: 90 days. */
        public Builder complianceMaxAge(Duration maxAge) {
            once("complianceMaxAge");
            this.complianceMaxAge = positive("complianceMaxAge", maxAge);
            return this;
        }

        /**
         * How far back the rotation page's chart of requests per hour on the old and the new key
         * reaches (whole hours, at most 31 days). Default: 48 hours.
         */
        public Builder chartWindow(Duration window) {
            once("chartWindow");
            positive("chartWindow", window);
            if (window.toMinutesPart() != 0 || window.toSecondsPart() != 0 || window.toNanosPart() != 0
                    || window.compareTo(Duration.ofDays(31)) > 0) {
                throw new IllegalArgumentException("chartWindow must be whole hours, at most 31 days");
            }
            this.chartWindow = window;
            return this;
        }

        /**
         * The firewall every request to the console passes first (ambiguous paths get 400). Default:
         * {@link RequestFirewall#strict()}.
         */
        public Builder firewall(RequestFirewall firewall) {
            once("firewall");
            this.firewall = requireNonNull(firewall, "firewall");
            return this;
        }

        public ConsoleConfig build() {
            return new ConsoleConfig(this);
        }

        private void once(String setting) {
            if (!set.add(setting)) {
                throw new IllegalStateException(setting + " was already set");
            }
        }

        private static Duration positive(String what, Duration d) {
            requireNonNull(d, what);
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(what + " must be positive");
            }
            return d;
        }
    }
}
