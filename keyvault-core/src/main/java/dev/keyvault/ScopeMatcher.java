package dev.keyvault;

import static java.util.Objects.requireNonNull;

import java.util.Set;

/** Scope grants: exact, {@code *}, or {@code prefix:*}. */
final class ScopeMatcher {
    private ScopeMatcher() {}

    static boolean grants(Set<String> held, String required) {
        requireNonNull(required, "required");
        if (held.contains(required) || held.contains("*")) {
            return true;
        }
        for (String scope : held) {
            if (scope.length() > 2 && scope.endsWith(":*")
                    && required.startsWith(scope.substring(0, scope.length() - 1))) {
                return true;
            }
        }
        return false;
    }
}
