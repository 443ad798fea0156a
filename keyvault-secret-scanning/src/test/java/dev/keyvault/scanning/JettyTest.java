package dev.keyvault.scanning;

/** {@link AbstractSecretScanningTest} on Jetty 12. */
class JettyTest extends AbstractSecretScanningTest {
    JettyTest() {
        super(JettyServer::start);
    }
}
