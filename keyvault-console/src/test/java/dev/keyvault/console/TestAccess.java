package dev.keyvault.console;

import dev.keyvault.console.spi.Catalogue;
import dev.keyvault.console.spi.ConsoleAccess;
import dev.keyvault.console.spi.ConsoleUser;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpSession;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The host's access rules in the tests: a session attribute set by {@link ConsoleApp}'s login
 * servlet names the user; users are registered per test.
 */
public final class TestAccess implements ConsoleAccess {
    static final String SESSION_USER = "test.user";

    private final Map<String, ConsoleUser> users = new ConcurrentHashMap<>();

    public TestAccess user(String id, boolean operator, String... owners) {
        users.put(id, new ConsoleUser(id, id.replace('@', ' ').trim(), java.util.Set.of(owners), operator));
        return this;
    }

    boolean knows(String id) {
        return users.containsKey(id);
    }

    @Override
    public Optional<ConsoleUser> currentUser(HttpServletRequest request) {
        HttpSession session = request.getSession(false);
        if (session == null || !(session.getAttribute(SESSION_USER) instanceof String id)) {
            return Optional.empty();
        }
        return Optional.ofNullable(users.get(id));
    }

    @Override
    public Catalogue catalogue(ConsoleUser user, String owner) {
        return new Catalogue(List.of(
                Catalogue.scope("kb:read", "Read articles"),
                Catalogue.scope("kb:write", "Create and edit articles"),
                Catalogue.scope("kb:admin", "Manage users <and> settings")),
                List.of("standard", "free"), List.of("production", "staging"));
    }
}
