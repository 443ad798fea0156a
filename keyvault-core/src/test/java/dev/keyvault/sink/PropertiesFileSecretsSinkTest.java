package dev.keyvault.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.keyvault.IssuedKey;
import dev.keyvault.KeyManager;
import dev.keyvault.KeySpec;
import dev.keyvault.testing.MutableClock;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Properties;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PropertiesFileSecretsSinkTest {
    private final KeyManager keys = KeyManager.inMemory(MutableClock.create());
    @TempDir
    Path dir;

    @AfterEach
    void close() {
        keys.close();
    }

    private Properties load(Path file) throws IOException {
        Properties p = new Properties();
        try (var in = Files.newBufferedReader(file)) {
            p.load(in);
        }
        return p;
    }

    @Test
    void whenSuccessorsAreDeliveredThenOnePropertyPerLineageHoldsTheLatestAndOthersAreKept() throws IOException {
        Path file = dir.resolve("keys.properties");
        PropertiesFileSecretsSink sink = PropertiesFileSecretsSink.of(file);
        IssuedKey sync = keys.issue(KeySpec.builder("acme", "Sync").build());
        IssuedKey other = keys.issue(KeySpec.builder("globex", "Billing = export").build());
        IssuedKey v2 = keys.rotate(sync.id());
        IssuedKey v3 = keys.rotate(v2.id());

        sink.deliver(other.key(), other);
        sink.deliver(sync.key(), v2);
        sink.deliver(v2.key(), v3);

        Properties p = load(file);
        assertThat(p).containsOnlyKeys("acme.Sync", "globex.Billing = export");
        assertThat(p.getProperty("acme.Sync")).isEqualTo(v3.token());
        assertThat(p.getProperty("globex.Billing = export")).isEqualTo(other.token());
        assertThat(sink.read(v3.key())).contains(v3.token());
        assertThat(PropertiesFileSecretsSink.defaultPropertyName(v3.key())).isEqualTo("acme.Sync");
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files).as("no temporary file is left behind").containsExactly(file);
        }
        assertThat(Files.readString(file)).contains("last delivery: key " + v3.id()).doesNotContain(v2.token());
        assertThat(sink.toString()).doesNotContain(v3.token());
    }

    @Test
    void whenTheFileSystemIsPosixThenTheFileIsOwnerOnly() throws IOException {
        assumeTrue(FileSystems.getDefault().supportedFileAttributeViews().contains("posix"), "POSIX permissions");
        Path file = dir.resolve("keys.properties");
        IssuedKey k = keys.issue(KeySpec.builder("acme", "Sync").build());
        PropertiesFileSecretsSink.of(file).deliver(k.key(), k);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    }

    @Test
    void whenTheDirectoryIsMissingOrTheNameFunctionFailsThenDeliveryThrowsAndWritesNothing() {
        IssuedKey k = keys.issue(KeySpec.builder("acme", "Sync").build());
        assertThatThrownBy(() -> PropertiesFileSecretsSink.of(dir.resolve("missing/keys.properties")).deliver(k.key(), k))
                .isInstanceOf(IOException.class);
        Path file = dir.resolve("keys.properties");
        assertThatThrownBy(() -> PropertiesFileSecretsSink.of(file, key -> " ").deliver(k.key(), k))
                .isInstanceOf(IllegalArgumentException.class).hasMessageNotContaining(k.token());
        assertThat(file).doesNotExist();
        assertThatThrownBy(() -> PropertiesFileSecretsSink.of(null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void whenTheSinkIsNamedThenTheNameIsTheFileNameOnly() {
        assertThat(PropertiesFileSecretsSink.of(dir.resolve("app-keys.properties")).name()).isEqualTo("properties file app-keys.properties");
    }
}
