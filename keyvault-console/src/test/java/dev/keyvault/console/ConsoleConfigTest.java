package dev.keyvault.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keyvault.console.spi.Catalogue;
import dev.keyvault.console.spi.ConsoleUser;
import dev.keyvault.console.spi.HostCsrf;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ConsoleConfigTest {
    private final TestAccess access = new TestAccess();

    @Test
    void whenBuiltWithDefaultsThenTheyAreTheDocumentedOnes() {
        ConsoleConfig c = ConsoleConfig.builder(access).build();
        assertThat(c.pageSize()).isEqualTo(50);
        assertThat(c.complianceMaxAge()).isEqualTo(Duration.ofDays(90));
        assertThat(c.chartWindow()).isEqualTo(Duration.ofHours(48));
        assertThat(c.csrf().isBuiltIn()).isTrue();
        assertThat(c.csrf().secret()).get().extracting(s -> s.length).isEqualTo(32);
    }

    @Test
    void whenSettingsAreBadOrRepeatedThenRefusedAtOnce() {
        assertThatThrownBy(() -> ConsoleConfig.builder(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> ConsoleConfig.builder(access).pageSize(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ConsoleConfig.builder(access).pageSize(201)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ConsoleConfig.builder(access).pageSize(5).pageSize(6)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> ConsoleConfig.builder(access).chartWindow(Duration.ofMinutes(90))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ConsoleConfig.builder(access).chartWindow(Duration.ofDays(32))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ConsoleConfig.builder(access).complianceMaxAge(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ConsoleConfig.builder(access).csrf(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> CsrfProtection.builtIn(new byte[31])).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CsrfProtection.host(null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void whenTheHostChecksCsrfThenTheConsoleHasNoSecretOfItsOwn() {
        CsrfProtection host = CsrfProtection.host(r -> Optional.of(new HostCsrf.Token("X-CSRF-TOKEN", "abc")));
        assertThat(host.isBuiltIn()).isFalse();
        assertThat(host.secret()).isEmpty();
        assertThat(host.hostCsrf()).isPresent();
        assertThat(new HostCsrf.Token("X-CSRF-TOKEN", "secret-value").toString()).doesNotContain("secret-value");
        assertThatThrownBy(() -> new HostCsrf.Token("X-CSRF\r\nX: y", "abc")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new HostCsrf.Token("X-CSRF-TOKEN", "a\"b")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void whenTheSpiValuesAreBadThenRefused() {
        assertThatThrownBy(() -> new ConsoleUser(" ", "x", Set.of(), false)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ConsoleUser("a", "x", Set.of("bad\u0000owner"), false)).isInstanceOf(IllegalArgumentException.class);
        assertThat(new ConsoleUser("a", "A", Set.of("acme"), false).manages("globex")).isFalse();
        assertThat(new ConsoleUser("a", "A", Set.of(), true).manages("globex")).isTrue();
        assertThatThrownBy(() -> Catalogue.scope("Not A Scope", "x")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Catalogue(List.of(Catalogue.scope("a", "x"), Catalogue.scope("a", "y")), List.of("t"), List.of("e")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Catalogue(List.of(), List.of(), List.of("e"))).isInstanceOf(IllegalArgumentException.class);
        assertThat(Catalogue.of(List.of()).tiers()).containsExactly("default");
    }
}
