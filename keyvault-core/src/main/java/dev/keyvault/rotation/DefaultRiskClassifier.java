package dev.keyvault.rotation;

import java.util.Set;

/** See {@link RiskClassifier#defaults()}. */
final class DefaultRiskClassifier implements RiskClassifier {
    static final DefaultRiskClassifier INSTANCE = new DefaultRiskClassifier();

    private static final Set<String> FULL = Set.of("*", "admin", "root", "full_access");
    private static final Set<String> ADMIN_VERBS = Set.of("admin", "manage", "owner");
    private static final Set<String> WRITE_VERBS = Set.of(
            "write", "create", "update", "delete", "edit", "publish", "send", "charge", "refund", "upload", "rw");
    private static final int BROAD_SCOPE_COUNT = 10;

    private DefaultRiskClassifier() {}

    @Override
    public RiskClass classify(Set<String> scopes) {
        for (String s : scopes) {
            if (FULL.contains(s)) {
                return RiskClass.FULL_ACCESS;
            }
        }
        if (scopes.size() > BROAD_SCOPE_COUNT) {
            return RiskClass.BROAD;
        }
        boolean write = false;
        for (String s : scopes) {
            String verb = lastSegment(s);
            if (s.indexOf('*') >= 0 || ADMIN_VERBS.contains(verb)) {
                return RiskClass.BROAD;
            }
            write |= WRITE_VERBS.contains(verb) || verb.startsWith("write");
        }
        return write ? RiskClass.WRITE : RiskClass.READ_ONLY;
    }

    private static String lastSegment(String scope) {
        int cut = Math.max(scope.lastIndexOf(':'), scope.lastIndexOf('.'));
        return scope.substring(cut + 1);
    }

    @Override
    public String id() {
        return "default-1";
    }

    @Override
    public String toString() {
        return "RiskClassifier.defaults()";
    }
}
