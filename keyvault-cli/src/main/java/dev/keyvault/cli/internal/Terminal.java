package dev.keyvault.cli.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Whether the process's standard streams are terminals. Java 17 only tells whether stdin and stdout
 * both are ({@link System#console()}); tables need stdout, progress needs stderr and a prompt stdin,
 * so on Linux each descriptor is read from {@code /proc/self/fd}, elsewhere the console stands in.
 */
final class Terminal {
    static final int STDIN = 0;
    static final int STDOUT = 1;
    static final int STDERR = 2;

    private Terminal() {}

    static boolean isTerminal(int fd) {
        try {
            String target = Files.readSymbolicLink(Path.of("/proc/self/fd/" + fd)).toString();
            return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty") || target.equals("/dev/console");
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return System.console() != null;
        }
    }
}
