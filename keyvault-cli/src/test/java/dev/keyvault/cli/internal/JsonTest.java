package dev.keyvault.cli.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class JsonTest {
    @Test
    void whenValuesAreWrittenThenFieldsKeepTheirOrderAndEveryKindHasItsForm() {
        String json = Json.write(Json.obj()
                .put("command", "keys list")
                .put("n", 3L)
                .put("ok", true)
                .put("none", null)
                .put("empty", Optional.empty())
                .put("at", Instant.parse("2026-06-01T12:00:00Z"))
                .put("quiet", Duration.ofHours(24))
                .put("rate", 2.5)
                .put("whole", 3.0)
                .put("list", List.of("a", Json.obj().put("x", 1))));
        assertThat(json).isEqualTo("{\"command\":\"keys list\",\"n\":3,\"ok\":true,\"none\":null,\"empty\":null,"
                + "\"at\":\"2026-06-01T12:00:00Z\",\"quiet\":\"PT24H\",\"rate\":2.5,\"whole\":3,\"list\":[\"a\",{\"x\":1}]}");
    }

    @Test
    void whenStringsHoldQuotesControlsAndNonAsciiThenAnotherParserReadsThemBack() throws Exception {
        String tricky = "KB \"Sync\" — Production\\\n\t\u0001\u2028😀";
        String json = Json.write(Json.obj().put("name", tricky));
        assertThat(json).doesNotContain("\n").doesNotContain("\u2028");
        assertThat(new ObjectMapper().readTree(json).get("name").asText()).isEqualTo(tricky);
    }

    @Test
    void whenAValueHasNoJsonFormThenItIsRefused() {
        assertThatThrownBy(() -> Json.write(new Object())).isInstanceOf(IllegalArgumentException.class);
    }
}
