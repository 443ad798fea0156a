package dev.keyvault.console.spi;

import jakarta.servlet.http.HttpServletRequest;
import java.util.Optional;

/**
 * The host's answer to "who is this, and what may they manage": the console has no login of its
 * own. The host implements this over its own session, principal or security context.
 *
 * <p>The console calls {@link #currentUser} on every API request and trusts nothing else from the
 * request: a user may see and change the keys of the owners in {@link ConsoleUser#owners()} only
 * (every other key id answers 404, every other owner 403), and an operator's keys of every owner.
 * Implementations must be thread-safe.
 *
 * <pre>{@code
 * ConsoleAccess access = new ConsoleAccess() {
 *     public Optional<ConsoleUser> currentUser(HttpServletRequest request) {
 *         return Optional.ofNullable(request.getUserPrincipal()).map(p -> new ConsoleUser(
 *                 p.getName(), p.getName(), accounts.ownersOf(p.getName()), request.isUserInRole("ops")));
 *     }
 *     public Catalogue catalogue(ConsoleUser user, String owner) {
 *         return Catalogue.of(List.of(Catalogue.scope("kb:read", "Read articles"),
 *                 Catalogue.scope("kb:write", "Create and edit articles")));
 *     }
 * };
 * }</pre>
 */
public interface ConsoleAccess {

    /**
     * The user making {@code request}, or empty if nobody is signed in (the API then answers 401;
     * signing in is the host's page).
     */
    Optional<ConsoleUser> currentUser(HttpServletRequest request);

    /**
     * What {@code user} may choose from when creating a key for {@code owner} (one of the owners the
     * user manages, or any owner for an operator): scopes with descriptions, tiers and environments.
     * The console refuses a key with anything not offered here, so a user cannot grant a key more
     * than the host allows.
     */
    Catalogue catalogue(ConsoleUser user, String owner);
}
