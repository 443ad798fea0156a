package dev.keyvault.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keyvault.KeyEventType;
import dev.keyvault.Syntax;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/** The OpenAPI description against the library it describes: enums and limits that must not fall behind. */
class OpenApiDocumentTest {

    private static JsonNode schemas() throws Exception {
        try (InputStream in = OpenApiDocumentTest.class.getResourceAsStream("/dev/keyvault/console/openapi.json")) {
            return new ObjectMapper().readTree(in).path("components").path("schemas");
        }
    }

    @Test
    void whenTheHistoryEventTypesAreReadThenTheyAreExactlyTheLibrarysKeyEventTypes() throws Exception {
        List<String> documented = new ArrayList<>();
        schemas().path("Event").path("properties").path("type").path("enum").forEach(v -> documented.add(v.asString()));
        assertThat(documented).containsExactlyElementsOf(Arrays.stream(KeyEventType.values()).map(Enum::name).toList());
    }

    @Test
    void whenTheKeyPoliciesAreReadThenTheirLimitsAreTheLibrarys() throws Exception {
        JsonNode key = schemas().path("Key").path("properties");
        assertThat(key.path("metadata").path("maxProperties").asInt()).isEqualTo(Syntax.MAX_METADATA);
        assertThat(key.path("metadata").path("additionalProperties").path("maxLength").asInt()).isEqualTo(Syntax.MAX_METADATA_VALUE);
        assertThat(key.path("metadata").path("propertyNames").path("pattern").asString())
                .isEqualTo("^" + Syntax.METADATA_NAME.pattern() + "$");
        assertThat(key.path("ipAllowlist").path("maxItems").asInt()).isEqualTo(dev.keyvault.IpAllowlist.MAX_RANGES);
    }
}
