package dev.keyvault.scanning;

import jakarta.servlet.Servlet;
import java.net.URI;
import java.util.Map;

/** An embedded servlet container serving some servlets on an ephemeral loopback port. */
interface TestServer extends AutoCloseable {
    int port();

    default URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port() + path);
    }

    /** Starts one, with {@code servlets} mapped by their exact paths. */
    @FunctionalInterface
    interface Factory {
        TestServer start(Map<String, Servlet> servlets) throws Exception;
    }
}
