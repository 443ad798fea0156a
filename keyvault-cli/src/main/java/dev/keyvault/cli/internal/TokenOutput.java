package dev.keyvault.cli.internal;

import dev.keyvault.IssuedKey;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Where a new token goes, once: stdout, or {@code --output-file}. The file is created before the key
 * is issued — owner-only ({@code rw-------}), never over an existing file — so a file that cannot be
 * written stops the command before anything changes; if issuing then fails, the empty file is
 * removed.
 */
final class TokenOutput {
    private final Context ctx;
    private final Path file;
    private boolean written;

    private TokenOutput(Context ctx, Path file) {
        this.ctx = ctx;
        this.file = file;
    }

    /**
     * @param file the {@code --output-file}, or {@code null} for stdout
     * @throws CliException exit 2 if the file exists or cannot be created
     */
    static TokenOutput prepare(Context ctx, Path file) {
        if (file == null) {
            return new TokenOutput(ctx, null);
        }
        Path target = file.toAbsolutePath();
        try {
            if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
                Files.createFile(target, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } else {
                Files.createFile(target);
            }
        } catch (FileAlreadyExistsException e) {
            throw CliException.usage("--output-file " + file + " already exists; a token file is written once and never"
                    + " overwritten: choose a new name (or remove the old file if it is no longer needed)");
        } catch (NoSuchFileException e) {
            throw CliException.usage("--output-file " + file + ": the directory does not exist; create it first");
        } catch (IOException e) {
            throw CliException.usage("--output-file " + file + " cannot be created (" + e.getClass().getSimpleName()
                    + "); check the directory's permissions", e);
        }
        return new TokenOutput(ctx, target);
    }

    /**
     * Writes the token to the file, or keeps it for stdout; sets {@code token} and {@code tokenFile} in
     * the JSON result (one of them null).
     */
    void deliver(IssuedKey issued, Json.Obj result) {
        ctx.redactor().add(issued.token());
        if (file == null) {
            result.put("token", issued.token()).put("tokenFile", null);
            return;
        }
        try (OutputStream out = Files.newOutputStream(file, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            out.write((issued.token() + "\n").getBytes(StandardCharsets.US_ASCII));
        } catch (IOException e) {
            // the key exists now and its only copy is in this process: say so, never print the token
            throw CliException.failure("key " + issued.id() + " was issued but its token could not be written to " + file
                    + " (" + e.getClass().getSimpleName() + "); revoke it with 'keyvault keys revoke " + issued.id()
                    + " --reason \"token lost\"' and issue another", e);
        }
        written = true;
        result.put("token", null).put("tokenFile", file.toString());
    }

    /** For people: the token on a line of its own on stdout with a note on stderr, or where the file is. */
    void print(IssuedKey issued) {
        if (file == null) {
            ctx.note("the token below is shown once: store it now (keyvault keeps only a hash)");
            ctx.line(issued.token());
        } else {
            ctx.line("token written to " + file + " (owner-only); it is not shown");
        }
    }

    /** Removes the empty file when no key was issued. */
    void abandon() {
        if (file != null && !written) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                ctx.warn("could not remove the empty token file " + file);
            }
        }
    }
}
