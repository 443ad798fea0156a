package dev.keyvault.scanning;

/** {@link AbstractSecretScanningTest} on Tomcat 11. */
class TomcatTest extends AbstractSecretScanningTest {
    TomcatTest() {
        super(TomcatServer::start);
    }
}
