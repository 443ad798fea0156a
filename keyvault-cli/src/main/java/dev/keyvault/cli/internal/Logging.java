package dev.keyvault.cli.internal;

import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.Logger;

/**
 * The library's logging in the CLI: silent unless {@code --verbose} (the CLI says what matters in its
 * own words; the library's warnings would repeat them), then keyvault at debug and the rest at info,
 * on stderr. Set before the first logger exists.
 */
final class Logging {
    private Logging() {}

    static void configure(boolean verbose) {
        System.setProperty("org.slf4j.simpleLogger.logFile", "System.err");
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", verbose ? "info" : "off");
        if (verbose) {
            System.setProperty("org.slf4j.simpleLogger.log.dev.keyvault", "debug");
            System.setProperty("org.slf4j.simpleLogger.showDateTime", "true");
            System.setProperty("org.slf4j.simpleLogger.dateTimeFormat", "HH:mm:ss.SSS");
        } else {
            // the PostgreSQL driver logs through java.util.logging
            LogManager.getLogManager().reset();
            Logger.getLogger("").setLevel(Level.OFF);
        }
    }
}
