package dev.keyvault.servlet;

import java.net.URI;

/** An embedded servlet container serving one {@link TestApp} on an ephemeral loopback port. */
interface TestServer extends AutoCloseable {
    int port();

    /** The application this server serves. */
    TestApp app();

    default URI uri(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + port() + pathAndQuery);
    }

    @Override
    void close() throws Exception;
}
