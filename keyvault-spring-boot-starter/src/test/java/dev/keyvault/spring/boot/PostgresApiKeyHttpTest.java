package dev.keyvault.spring.boot;

import org.springframework.boot.test.context.SpringBootTest;

/** The HTTP matrix on the shared PostgreSQL. */
@SpringBootTest(classes = ApiTestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"test.database=postgres", ApiKeyHttpProperties.ALL})
class PostgresApiKeyHttpTest extends ApiKeyHttpContract {}
