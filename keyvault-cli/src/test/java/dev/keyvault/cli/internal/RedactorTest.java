package dev.keyvault.cli.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class RedactorTest {
    private static final String TOKEN = "kb_live_3kP9xYb2QmZ7_hxnfdXeWuyNZ3iErebfu3gcL4jT6evFx485zbG";

    @Test
    void whenTextHoldsATokenOfAnyPrefixThenOnlyItsKeyIdRemains() {
        Redactor r = new Redactor();
        assertThat(r.redact("bad token " + TOKEN + " here")).isEqualTo("bad token kb_live_3kP9xYb2QmZ7_[redacted] here");
        assertThat(r.redact("acme_x_AAAAAAAAAAAA_" + "b".repeat(38))).isEqualTo("acme_x_AAAAAAAAAAAA_[redacted]");
    }

    @Test
    void whenTextHoldsAKnownSecretOrAUrlPasswordThenTheyAreRemoved() {
        Redactor r = new Redactor();
        r.add("correct horse battery");
        assertThat(r.redact("FATAL: correct horse battery rejected")).isEqualTo("FATAL: [redacted] rejected");
        assertThat(r.redact("jdbc:postgresql://db/app?user=kv&password=hunter2&ssl=true"))
                .isEqualTo("jdbc:postgresql://db/app?user=kv&password=[redacted]&ssl=true");
        assertThat(r.redact("jdbc:h2:tcp://kv:hunter2@db/app")).isEqualTo("jdbc:h2:tcp://kv:[redacted]@db/app");
    }

    @Test
    void whenArgumentsHoldATokenOrASecretOptionThenTheGuardRefusesWithoutQuotingThem() {
        assertThatThrownBy(() -> ArgumentGuard.check(new String[] {"keys", "show", TOKEN}))
                .isInstanceOf(CliException.class)
                .hasMessageNotContaining("hxnfd")
                .hasMessageStartingWith("argument 3 looks like an API key token");
        assertThatThrownBy(() -> ArgumentGuard.check(new String[] {"--pepper=v1:abc"}))
                .hasMessage("--pepper is not an option: the pepper is read from KEYVAULT_PEPPER or --pepper-file, never from"
                        + " arguments");
        assertThatThrownBy(() -> ArgumentGuard.check(new String[] {"verify", "--token", "x"}))
                .hasMessageStartingWith("--token is not an option");
        ArgumentGuard.check(new String[] {"--pepper-file", "/run/secrets/pepper", "--password-file", "/run/secrets/db"});
    }

    @Test
    void whenASinkWritesEnvFilesThenNamesAreUpperCaseWithoutTheVersion() {
        var key = dev.keyvault.ApiKey.builder("AAAAAAAAAAAA", "kb_live", "acme", "KB Sync Script — Production v3",
                java.time.Instant.parse("2026-06-01T12:00:00Z")).build();
        assertThat(AutoRotateCommand.envName(key)).isEqualTo("KEYVAULT_ACME_KB_SYNC_SCRIPT_PRODUCTION");
    }
}
