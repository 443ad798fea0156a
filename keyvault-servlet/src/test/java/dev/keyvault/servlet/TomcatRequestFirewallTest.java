package dev.keyvault.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keyvault.IssuedKey;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterRegistration;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Set;
import org.apache.catalina.Context;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.servlets.DefaultServlet;
import org.apache.catalina.startup.Tomcat;
import org.junit.jupiter.api.Test;

/** {@link AbstractRequestFirewallTest} on embedded Tomcat. */
class TomcatRequestFirewallTest extends AbstractRequestFirewallTest {

    @Override
    TestServer start(TestApp app) throws Exception {
        return TomcatServer.start(app, 64 * 1024);
    }

    @Override
    TestServer startLenient(TestApp app) throws Exception {
        return TomcatServer.start(app, 64 * 1024, true);
    }

    /**
     * Tomcat refuses encoded slashes and backslashes ({@code encodedSolidusHandling} and
     * {@code encodedReverseSolidusHandling} default to reject), raw backslashes, {@code %00},
     * broken {@code %} escapes, bad or overlong UTF-8 and raw non-ASCII bytes with its own 400;
     * everything else — {@code %2e%2e}, {@code ;} parameters, {@code //}, {@code %252e} — it
     * normalizes and would hand to the application.
     */
    @Override
    Set<String> refusedByTheContainer() {
        return Set.of(
                "/api%2fx",
                "/api/%c0%ae%c0%ae/public/x",
                "/api/%e0%80%ae%e0%80%ae/public/x",
                "/api/%u002e%u002e/public/x",
                "/api/x%",
                "/api/x%00/../public/y",
                "/api/x%2/../public/y",
                "/api/x%2F..%2F..%2Fpublic/y",
                "/api/x%2f..%2f..%2fpublic/y",
                "/api/x%5C..%5Cpublic/y",
                "/api/x%5c..%5c..%5cpublic/y",
                "/api/x%c0%af..%c0%afpublic/y",
                "/api/x/..%00/public/y",
                "/api/x/..%c0%af../public/y",
                "/api/x\\..\\..\\public/y",
                "/public/..%2fapi/x",
                "/public/caf\u00c3\u00a9",
                "/public/caf\u00e9/../../api/x",
                "/public/y%00.json",
                "/public\\..\\api/x");
    }

    /** Told to decode encoded slashes and backslashes, Tomcat still refuses {@code %00}, broken escapes, bad UTF-8 and raw non-ASCII. */
    @Override
    Set<String> refusedByTheLenientContainer() {
        return Set.of(
                "/api/%c0%ae%c0%ae/public/x",
                "/api/%e0%80%ae%e0%80%ae/public/x",
                "/api/%u002e%u002e/public/x",
                "/api/x%",
                "/api/x%00/../public/y",
                "/api/x%2/../public/y",
                "/api/x%c0%af..%c0%afpublic/y",
                "/api/x/..%00/public/y",
                "/api/x/..%c0%af../public/y",
                "/public/caf\u00c3\u00a9",
                "/public/caf\u00e9/../../api/x",
                "/public/y%00.json");
    }

    /**
     * Tomcat maps a directory URI to its welcome file itself: {@code /docs/} reaches the default
     * servlet with the servlet path {@code /docs/index.html}. The one difference between URI and
     * mapping the firewall lets through — and the rule matched is the welcome file's.
     */
    @Test
    void whenTomcatMapsADirectoryToItsWelcomeFileThenItIsServedUnderTheFilesRule() throws Exception {
        Path base = Files.createTempDirectory("tomcat-static");
        Files.createDirectories(base.resolve("docs"));
        Files.writeString(base.resolve("docs/index.html"), "docs index");
        Files.createDirectories(base.resolve("private"));
        Files.writeString(base.resolve("private/index.html"), "private index");
        ApiKeyFilter filter = new ApiKeyFilter(keys, ApiKeyFilterConfig.builder().realm(REALM).clock(clock)
                .rule(Rule.permitAll("GET", "/docs/**"))
                .rule(Rule.requireScopes("GET", "/private/**", "kb:read"))
                .build());
        Tomcat tomcat = new Tomcat();
        tomcat.setBaseDir(base.toString());
        Connector connector = new Connector("HTTP/1.1");
        connector.setPort(0);
        connector.setProperty("address", "127.0.0.1");
        tomcat.setConnector(connector);
        Context context = tomcat.addContext("", base.toString());
        Tomcat.addServlet(context, "default", new DefaultServlet());
        context.addServletMappingDecoded("/", "default");
        context.addWelcomeFile("index.html");
        context.addServletContainerInitializer((classes, servletContext) -> {
            FilterRegistration.Dynamic registration = servletContext.addFilter("api-keys", filter);
            registration.addMappingForUrlPatterns(EnumSet.allOf(DispatcherType.class), false, "/*");
        }, null);
        tomcat.start();
        closeAfter.add(() -> {
            tomcat.stop();
            tomcat.destroy();
        });
        int port = connector.getLocalPort();
        IssuedKey reader = issue("kb:read");

        RawHttp.Response docs = RawHttp.get(port, "/docs/");
        RawHttp.Response privateWithout = RawHttp.get(port, "/private/");
        RawHttp.Response privateWith = RawHttp.get(port, "/private/", "X-API-Key: " + reader.token());

        assertThat(docs.status()).isEqualTo(200);
        assertThat(docs.body()).isEqualTo("docs index");
        assertThat(privateWithout.status()).isEqualTo(401);
        assertThat(privateWith.status()).isEqualTo(200);
        assertThat(privateWith.body()).isEqualTo("private index");
        assertThat(isFirewall400(RawHttp.get(port, "/docs/./"))).isTrue();
    }
}
