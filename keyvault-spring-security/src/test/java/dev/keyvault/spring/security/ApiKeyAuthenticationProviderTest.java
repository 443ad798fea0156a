package dev.keyvault.spring.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keyvault.ApiKey;
import dev.keyvault.IssuedKey;
import dev.keyvault.KeyManager;
import dev.keyvault.KeySpec;
import dev.keyvault.KeyStoreException;
import dev.keyvault.RejectionReason;
import dev.keyvault.testing.MutableClock;
import dev.keyvault.testing.Tokens;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.authorization.AuthorizationResult;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.core.context.SecurityContextHolderStrategy;

class ApiKeyAuthenticationProviderTest {
    private final MutableClock clock = MutableClock.at(Instant.parse("2026-06-01T12:00:00Z"));
    private final KeyManager keys = KeyManager.inMemory(clock);
    private final ApiKeyAuthenticationProvider provider = ApiKeyAuthenticationProvider.of(keys);

    @AfterEach
    void close() {
        keys.close();
    }

    private IssuedKey issue(String... scopes) {
        return keys.issue(KeySpec.builder("acme", "key " + System.nanoTime()).scopes(scopes)
                .expiresAt(clock.instant().plus(Duration.ofDays(1))).build());
    }

    private Authentication authenticate(String token) {
        return provider.authenticate(ApiKeyAuthenticationToken.unauthenticated(token, "203.0.113.9"));
    }

    @Test
    void whenTheKeyIsValidThenThePrincipalIsTheKeyAndTheScopesAreAuthorities() {
        IssuedKey issued = issue("kb:read", "kb:write");

        Authentication a = authenticate(issued.token());

        assertThat(a.isAuthenticated()).isTrue();
        assertThat(a.getPrincipal()).isInstanceOf(ApiKey.class).extracting(p -> ((ApiKey) p).id()).isEqualTo(issued.id());
        assertThat(a.getName()).isEqualTo("acme");
        assertThat(a.getAuthorities()).extracting(GrantedAuthority::getAuthority).containsExactly("SCOPE_kb:read", "SCOPE_kb:write");
        assertThat(a.getCredentials()).isEqualTo("");
    }

    @Test
    void whenTheKeyIsRejectedThenTheReasonIsKeptAndOnlyAProvenKeyIsNamed() {
        IssuedKey issued = issue("kb:read");

        assertThatThrownBy(() -> authenticate(Tokens.withWrongSecret(issued.token())))
                .isInstanceOfSatisfying(InvalidApiKeyException.class, e -> {
                    assertThat(e.reason()).isEqualTo(RejectionReason.INVALID);
                    assertThat(e.keyId()).isEmpty();
                    assertThat(e.isFailure()).isTrue();
                });
        clock.advance(Duration.ofDays(2));
        assertThatThrownBy(() -> authenticate(issued.token()))
                .isInstanceOfSatisfying(InvalidApiKeyException.class, e -> {
                    assertThat(e.reason()).isEqualTo(RejectionReason.EXPIRED);
                    assertThat(e.keyId()).hasValue(issued.id());
                    assertThat(e.isFailure()).isFalse();
                    assertThat(e.getMessage()).doesNotContain(issued.token());
                });
    }

    @Test
    void whenTheStoreFailsThenTheKeyIsUnavailableNotInvalid() {
        ApiKeyAuthenticationProvider failing = new ApiKeyAuthenticationProvider(request -> {
            throw new KeyStoreException("find", "down");
        }, ScopeAuthorities.defaults());

        assertThatThrownBy(() -> failing.authenticate(ApiKeyAuthenticationToken.unauthenticated("kv_x", "unknown")))
                .isInstanceOf(ApiKeyUnavailableException.class).hasCauseInstanceOf(KeyStoreException.class);
    }

    @Test
    void whenAnotherKindOfAuthenticationIsOfferedThenTheProviderDeclinesIt() {
        assertThat(provider.supports(UsernamePasswordAuthenticationToken.class)).isFalse();
        assertThat(provider.authenticate(UsernamePasswordAuthenticationToken.unauthenticated("alice", "pw"))).isNull();
    }

    @Test
    void whenATokenIsPrintedThenThePresentedKeyNeverShows() {
        IssuedKey issued = issue("kb:read");
        ApiKeyAuthenticationToken presented = ApiKeyAuthenticationToken.unauthenticated(issued.token(), "203.0.113.9");

        assertThat(presented.toString()).doesNotContain(issued.token()).contains("unverified");
        assertThat(authenticate(issued.token()).toString()).doesNotContain(issued.token()).contains(issued.id());
        assertThatThrownBy(() -> presented.setAuthenticated(true)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void whenAKeyHasAWildcardScopeThenHasScopeGrantsWhatHasAuthorityDoesNot() {
        Authentication a = authenticate(issue("kb:*").token());

        AuthorizationResult read = KeyvaultAuthorizationManagers.hasScope("kb:read").authorize(() -> a, new Object());
        AuthorizationResult other = KeyvaultAuthorizationManagers.hasScope("billing:read").authorize(() -> a, new Object());

        assertThat(read.isGranted()).isTrue();
        assertThat(other.isGranted()).isFalse();
        assertThat(((ScopeAuthorizationDecision) other).requiredScopes()).containsExactly("billing:read");
        assertThat(a.getAuthorities()).extracting(GrantedAuthority::getAuthority).containsExactly("SCOPE_kb:*");
        assertThat(KeyvaultAuthorizationManagers.hasAnyScope("billing:read", "kb:write").authorize(() -> a, "").isGranted()).isTrue();
        assertThat(KeyvaultAuthorizationManagers.hasAllScopes("billing:read", "kb:write").authorize(() -> a, "").isGranted()).isFalse();
    }

    @Test
    void whenTheAuthenticationIsNotAnApiKeyThenScopeChecksRefuse() {
        Authentication user = UsernamePasswordAuthenticationToken.authenticated("alice", "", java.util.List.of());

        assertThat(KeyvaultAuthorizationManagers.hasScope("kb:read").authorize(() -> user, "").isGranted()).isFalse();
        assertThat(KeyvaultAuthorizationManagers.hasScope("kb:read").authorize(() -> null, "").isGranted()).isFalse();
    }

    @Test
    void whenTheSpelBeanChecksTheCurrentKeyThenWildcardsHold() {
        SecurityContextHolderStrategy contexts = SecurityContextHolder.getContextHolderStrategy();
        try {
            contexts.getContext().setAuthentication(authenticate(issue("kb:*").token()));
            KeyvaultScopes scopes = new KeyvaultScopes(contexts);

            assertThat(scopes.hasScope("kb:read")).isTrue();
            assertThat(scopes.hasAllScopes("kb:read", "kb:write")).isTrue();
            assertThat(scopes.hasAnyScope("billing:read")).isFalse();
        } finally {
            contexts.clearContext();
        }
    }

    @Test
    void whenScopesOrPrefixesAreMalformedThenTheyAreRefusedAtOnce() {
        assertThatThrownBy(() -> KeyvaultAuthorizationManagers.hasScope("KB READ")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> KeyvaultAuthorizationManagers.hasAnyScope()).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ScopeAuthorities.withPrefix("SCOPE \"")).isInstanceOf(IllegalArgumentException.class);
        assertThat(ScopeAuthorities.withPrefix("").scopeOf("kb:read")).hasValue("kb:read");
        assertThat(ScopeAuthorities.defaults().scopeOf("ROLE_ADMIN")).isEmpty();
        assertThat(ScopeAuthorities.defaults().scopeOf("SCOPE_kb:read")).hasValue("kb:read");
    }
}
