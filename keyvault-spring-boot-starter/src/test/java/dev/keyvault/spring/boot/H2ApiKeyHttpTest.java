package dev.keyvault.spring.boot;

import org.springframework.boot.test.context.SpringBootTest;

/** The HTTP matrix on H2. */
@SpringBootTest(classes = ApiTestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"test.database=h2", ApiKeyHttpProperties.ALL})
class H2ApiKeyHttpTest extends ApiKeyHttpContract {}
