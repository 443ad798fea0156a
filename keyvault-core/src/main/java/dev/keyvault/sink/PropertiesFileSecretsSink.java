package dev.keyvault.sink;

import static java.util.Objects.requireNonNull;

import dev.keyvault.ApiKey;
import dev.keyvault.IssuedKey;
import dev.keyvault.spi.SecretsSink;
import java.io.IOException;
import java.io.OutputStream;
import java.io.Reader;
import java.io.Writer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Properties;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A {@link SecretsSink} that keeps tokens in a Java properties file, one property per key lineage:
 * for apps that read their API keys from a mounted file or an env file generated from it. Several
 * keys can share one file.
 *
 * <p>Each delivery rewrites the whole file atomically: the current properties are read, the one
 * property is set, and the result is written to a temporary file in the same directory, forced to
 * disk, and moved over the target with {@link StandardCopyOption#ATOMIC_MOVE} (then the directory is
 * forced too where the OS allows). A reader sees either the old file or the new one, never a torn
 * write; a crash leaves at most a stray {@code .tmp} file. If the file system cannot move atomically
 * the delivery fails rather than write in place. On POSIX file systems the file is created
 * {@code rw-------} (owner only); elsewhere it gets the platform's default for temporary files, which
 * is owner-only on Windows' user temp directories but should be checked for other locations.
 *
 * <p>Thread-safe: deliveries through one instance are serialized. Two processes writing the same
 * file at once may lose one update (last move wins); run one rotator per file.
 */
public final class PropertiesFileSecretsSink implements SecretsSink {
    private static final Pattern VERSIONED = Pattern.compile("(.*\\S) v(\\d{1,9})");
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    private final Path file;
    private final Function<ApiKey, String> propertyName;
    private final Object lock = new Object();

    private PropertiesFileSecretsSink(Path file, Function<ApiKey, String> propertyName) {
        this.file = file;
        this.propertyName = propertyName;
    }

    /**
     * A sink writing to {@code file} under {@link #defaultPropertyName(ApiKey)}. The parent
     * directory must exist; the file is created on the first delivery.
     */
    public static PropertiesFileSecretsSink of(Path file) {
        return of(file, PropertiesFileSecretsSink::defaultPropertyName);
    }

    /**
     * A sink writing to {@code file} under the property {@code propertyName} returns for the key
     * being replaced. The name must stay the same across rotations (it is where consumers look), so
     * derive it from the owner, a tag or the name without its version suffix, never from the key id.
     */
    public static PropertiesFileSecretsSink of(Path file, Function<ApiKey, String> propertyName) {
        requireNonNull(file, "file");
        requireNonNull(propertyName, "propertyName");
        return new PropertiesFileSecretsSink(file.toAbsolutePath(), propertyName);
    }

    /**
     * {@code <owner>.<name without its rotation suffix>}: the key {@code "Sync v3"} of {@code acme}
     * is delivered as {@code acme.Sync}, like {@code "Sync"} and {@code "Sync v2"} before it.
     */
    public static String defaultPropertyName(ApiKey key) {
        requireNonNull(key, "key");
        Matcher m = VERSIONED.matcher(key.name());
        String base = m.matches() ? m.group(1) : key.name();
        return key.owner() + "." + base;
    }

    /** The file this sink writes. */
    public Path file() {
        return file;
    }

    /** The token currently stored for {@code key}'s lineage, if any (for probes and tests). */
    public java.util.Optional<String> read(ApiKey key) throws IOException {
        requireNonNull(key, "key");
        synchronized (lock) {
            return java.util.Optional.ofNullable(load().getProperty(name(key)));
        }
    }

    @Override
    public void deliver(ApiKey replaced, IssuedKey successor) throws IOException {
        requireNonNull(replaced, "replaced");
        requireNonNull(successor, "successor");
        String name = name(replaced);
        synchronized (lock) {
            Properties props = load();
            props.setProperty(name, successor.token());
            write(props, "keyvault secrets; last delivery: key " + successor.id() + " replacing " + replaced.id());
        }
    }

    private String name(ApiKey key) {
        String name = propertyName.apply(key);
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("the property name function returned no name for key " + key.id());
        }
        return name;
    }

    private Properties load() throws IOException {
        Properties props = new Properties();
        if (Files.exists(file)) {
            try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                props.load(in);
            }
        }
        return props;
    }

    private void write(Properties props, String comment) throws IOException {
        Path dir = file.getParent();
        boolean posix = FileSystems.getDefault().supportedFileAttributeViews().contains("posix")
                && dir.getFileSystem().equals(FileSystems.getDefault());
        FileAttribute<?>[] attrs = posix
                ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(OWNER_ONLY)}
                : new FileAttribute<?>[0];
        Path tmp = Files.createTempFile(dir, "." + file.getFileName() + ".", ".tmp", attrs);
        boolean moved = false;
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                OutputStream out = Channels.newOutputStream(ch);
                Writer w = new java.io.OutputStreamWriter(out, StandardCharsets.UTF_8);
                props.store(w, comment);
                w.flush();
                ch.force(true);
            }
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("cannot replace " + file + " atomically; refusing to write it in place", e);
            }
            moved = true;
            forceDirectory(dir);
        } finally {
            if (!moved) {
                Files.deleteIfExists(tmp);
            }
        }
    }

    private static void forceDirectory(Path dir) {
        // Makes the rename itself durable on Linux; other systems refuse to open a directory, and
        // the move is already atomic for readers there.
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // best effort
        }
    }

    @Override
    public String name() {
        return "properties file " + file.getFileName();
    }

    @Override
    public String toString() {
        return "PropertiesFileSecretsSink[" + file + "]";
    }
}
