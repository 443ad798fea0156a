package dev.keyvault;

import static java.util.Objects.requireNonNull;

import dev.keyvault.spi.Pepper;
import dev.keyvault.spi.PepperSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The built-in {@link PepperSource}s. A pepper specification is one or more {@code id:base64}
 * entries separated by commas, the current pepper first, for example
 * {@code KEYVAULT_PEPPER=v2:3q2+7w…,v1:Zm9v…} (make the bytes with
 * {@code openssl rand -base64 32}). The bytes are never logged or echoed in exceptions.
 */
public final class Peppers {
    /** The environment variable (and, with dots, system property {@code keyvault.pepper}) read by default. */
    public static final String ENVIRONMENT_VARIABLE = "KEYVAULT_PEPPER";
    /** The system property read when the environment variable is not set. */
    public static final String SYSTEM_PROPERTY = "keyvault.pepper";

    private Peppers() {}

    /** One pepper: {@code id} and at least 32 bytes (copied). */
    public static PepperSource of(String id, byte[] key) {
        List<Pepper> peppers = List.of(new Pepper(id, key));
        return () -> peppers;
    }

    /** Peppers in the given order, current first. */
    public static PepperSource of(Pepper current, Pepper... previous) {
        List<Pepper> all = new ArrayList<>();
        all.add(requireNonNull(current, "current"));
        all.addAll(Arrays.asList(requireNonNull(previous, "previous")));
        List<Pepper> checked = distinct(all);
        return () -> checked;
    }

    /**
     * Parses a pepper specification ({@code id:base64[,id:base64…]}, current first).
     *
     * @throws IllegalArgumentException naming what is wrong, never the bytes
     */
    public static PepperSource parse(String specification) {
        List<Pepper> peppers = parseAll(requireNonNull(specification, "specification"));
        return () -> peppers;
    }

    /**
     * The peppers in environment variable {@value #ENVIRONMENT_VARIABLE}, else in system property
     * {@value #SYSTEM_PROPERTY}, if either is set.
     *
     * @throws IllegalArgumentException if it is set but malformed
     */
    public static Optional<PepperSource> fromEnvironment() {
        String value = System.getenv(ENVIRONMENT_VARIABLE);
        if (value == null || value.isBlank()) {
            value = System.getProperty(SYSTEM_PROPERTY);
        }
        if (value == null || value.isBlank()) {
            return Optional.empty();
        }
        try {
            return Optional.of(parse(value.strip()));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(ENVIRONMENT_VARIABLE + " (or " + SYSTEM_PROPERTY + "): " + e.getMessage());
        }
    }

    /**
     * The peppers in a file holding one specification (a secrets volume, say). On POSIX file systems
     * the file must not be readable or writable by group or others.
     *
     * @throws UncheckedIOException     if it cannot be read
     * @throws IllegalArgumentException if it is malformed or too widely readable
     */
    public static PepperSource fromFile(Path file) {
        requireNonNull(file, "file");
        try {
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
            for (PosixFilePermission p : perms) {
                if (p.name().startsWith("GROUP") || p.name().startsWith("OTHERS")) {
                    throw new IllegalArgumentException("the pepper file " + file + " is accessible to group or others;"
                            + " make it owner-only (chmod 600)");
                }
            }
        } catch (UnsupportedOperationException notPosix) {
            // Windows ACLs: the operator's responsibility
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the pepper file " + file, e);
        }
        String spec;
        try {
            spec = Files.readString(file, StandardCharsets.US_ASCII).strip();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the pepper file " + file, e);
        }
        try {
            return parse(spec);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the pepper file " + file + ": " + e.getMessage());
        }
    }

    private static List<Pepper> parseAll(String spec) {
        List<Pepper> out = new ArrayList<>();
        for (String entry : spec.split(",")) {
            String e = entry.strip();
            int colon = e.indexOf(':');
            if (colon <= 0) {
                throw new IllegalArgumentException("each pepper is id:base64 (pepper " + (out.size() + 1) + " is not)");
            }
            String id = e.substring(0, colon);
            byte[] key;
            try {
                key = Base64.getDecoder().decode(e.substring(colon + 1).strip());
            } catch (IllegalArgumentException bad) {
                throw new IllegalArgumentException("pepper '" + safeId(id) + "' is not valid base64");
            }
            try {
                out.add(new Pepper(id, key));
            } catch (IllegalArgumentException bad) {
                throw new IllegalArgumentException("pepper '" + safeId(id) + "': " + bad.getMessage());
            } finally {
                Arrays.fill(key, (byte) 0);
            }
        }
        return distinct(out);
    }

    private static List<Pepper> distinct(List<Pepper> peppers) {
        Set<String> ids = new HashSet<>();
        for (Pepper p : peppers) {
            if (!ids.add(p.id())) {
                throw new IllegalArgumentException("pepper id '" + p.id() + "' is listed twice");
            }
        }
        return List.copyOf(peppers);
    }

    /** An id for a message: only if it is a valid id (a mistyped spec might put the secret there). */
    private static String safeId(String id) {
        return id.matches("[A-Za-z0-9_-]{1,32}") ? id : "?";
    }
}
