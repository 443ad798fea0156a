package dev.keyvault.console.spi;

import static java.util.Objects.requireNonNull;

import dev.keyvault.KeySpec;
import dev.keyvault.Syntax;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What a user may choose from when creating a key: the scopes with a description each (the page
 * shows them as checkboxes), the tiers and the environments, in the order given.
 *
 * @param scopes       the scopes offered; may be empty (keys without scopes)
 * @param tiers        the tiers offered, the first one preselected; at least one
 * @param environments the environments offered, the first one preselected; at least one
 */
public record Catalogue(List<Scope> scopes, List<String> tiers, List<String> environments) {

    public Catalogue {
        scopes = List.copyOf(requireNonNull(scopes, "scopes"));
        Set<String> names = new LinkedHashSet<>();
        for (Scope s : scopes) {
            if (!names.add(s.name())) {
                throw new IllegalArgumentException("a scope is offered twice");
            }
        }
        tiers = distinct("tiers", tiers);
        environments = distinct("environments", environments);
    }

    /** Only {@code scopes}, the tier {@code default} and no environment ({@link KeySpec#NO_ENVIRONMENT}). */
    public static Catalogue of(List<Scope> scopes) {
        return new Catalogue(scopes, List.of("default"), List.of(KeySpec.NO_ENVIRONMENT));
    }

    /** A scope and what it lets a key do. */
    public static Scope scope(String name, String description) {
        return new Scope(name, description);
    }

    /** Whether {@code scope} is offered. */
    public boolean offersScope(String scope) {
        requireNonNull(scope, "scope");
        return scopes.stream().anyMatch(s -> s.name().equals(scope));
    }

    /**
     * One scope of the catalogue.
     *
     * @param name        the scope, matching {@code [a-z0-9_:.*-]{1,64}}
     * @param description what it allows, shown beside it; text of at most 200 characters
     */
    public record Scope(String name, String description) {
        public Scope {
            Syntax.matches("scope", name, Syntax.SCOPE, "[a-z0-9_:.*-]{1,64}");
            Syntax.text("description", description, Syntax.MAX_NAME);
        }
    }

    private static List<String> distinct(String what, List<String> values) {
        List<String> out = new ArrayList<>();
        for (String v : requireNonNull(values, what)) {
            Syntax.slug(what, v);
            if (out.contains(v)) {
                throw new IllegalArgumentException(what + " lists a value twice");
            }
            out.add(v);
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException(what + " must offer at least one");
        }
        return List.copyOf(out);
    }
}
