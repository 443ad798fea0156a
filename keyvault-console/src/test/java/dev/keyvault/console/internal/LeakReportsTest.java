package dev.keyvault.console.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keyvault.ApiKey;
import dev.keyvault.KeyEvent;
import dev.keyvault.KeyEventType;
import dev.keyvault.Revocation;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class LeakReportsTest {
    private static final Instant AT = Instant.parse("2026-06-01T09:00:00Z");
    private static final String ID = "AbCdEfGhIjKl";

    private static ApiKey key(boolean compromised) {
        ApiKey k = ApiKey.builder(ID, "kb", "acme", "K", AT).build();
        return compromised ? k.withRevocation(new Revocation(AT, "leaked", "ops"), true) : k;
    }

    private static KeyEvent event(KeyEventType type, String detail) {
        return new KeyEvent(ID, type, AT, "ops", detail);
    }

    @Test
    void whenTheCompromiseNamesAnHttpUrlThenItIsTheReportAndItsSourceIsRead() {
        Views.Leak leak = LeakReports.of(key(true), List.of(event(KeyEventType.ISSUED, ""),
                event(KeyEventType.REVOKED, "posted in https://gist.github.com/x/1a2b. (source: github-secret-scanning)"),
                event(KeyEventType.COMPROMISED, "marked compromised"))).orElseThrow();
        assertThat(leak.reportUrl()).isEqualTo("https://gist.github.com/x/1a2b");
        assertThat(leak.source()).isEqualTo("github-secret-scanning");
        assertThat(leak.recordedAs()).isEqualTo("REVOKED");
    }

    @Test
    void whenALeakWasReportedThenTheLatestReportIsShownWithItsUrlAndSource() {
        ApiKey flagged = key(false).withCompromised();
        Views.Leak leak = LeakReports.of(flagged, List.of(
                event(KeyEventType.LEAK_REPORTED, "https://github.com/acme/app/blob/1a2b/config.yml (GitHub secret scanning, source: content)"),
                event(KeyEventType.COMPROMISED, "reported leaked"),
                event(KeyEventType.LEAK_REPORTED, "https://gist.github.com/x/9z (GitHub secret scanning, source: gist)"),
                event(KeyEventType.REVOKED, "posted in https://elsewhere.example/x"))).orElseThrow();
        assertThat(leak.recordedAs()).isEqualTo("LEAK_REPORTED");
        assertThat(leak.reportUrl()).isEqualTo("https://gist.github.com/x/9z");
        assertThat(leak.source()).isEqualTo("gist");
        assertThat(LeakReports.of(flagged, List.of(event(KeyEventType.LEAK_REPORTED, "(no URL) (scan, source: unknown)"))).orElseThrow()
                .reportUrl()).isNull();
    }

    @Test
    void whenNoUrlOrOnlyHostileOnesThenTheCompromiseIsShownWithoutALink() {
        for (String detail : List.of("found in a paste", "javascript:alert(1)", "data:text/html,<script>", "https://user:pw@evil.example/x",
                "http://", "https://[::1", "vbscript:msgbox", "JAVASCRIPT://%0aalert(1)")) {
            Views.Leak leak = LeakReports.of(key(true), List.of(event(KeyEventType.COMPROMISED, detail))).orElseThrow();
            assertThat(leak.reportUrl()).as(detail).isNull();
            assertThat(leak.detail()).isEqualTo(detail);
        }
    }

    @Test
    void whenTheKeyWasNeverFlaggedThenNoLeakIsShownEvenIfAReasonHoldsAUrl() {
        assertThat(LeakReports.of(key(false), List.of(event(KeyEventType.REVOKED, "see https://example.com/ticket/1")))).isEmpty();
    }

    @Test
    void whenUrlsAreExtractedThenTrailingPunctuationIsDroppedAndTheFirstGoodOneWins() {
        assertThat(LeakReports.url("(https://example.com/a?b=c).")).contains("https://example.com/a?b=c");
        assertThat(LeakReports.url("javascript:x https://ok.example/p")).contains("https://ok.example/p");
        assertThat(LeakReports.url("HTTPS://Example.com/X")).contains("HTTPS://Example.com/X");
        assertThat(LeakReports.url("nothing here")).isEmpty();
        assertThat(LeakReports.source("reported by: Acme Security, 2026-06-01")).contains("Acme Security");
        assertThat(LeakReports.source("no such word")).isEmpty();
    }
}
