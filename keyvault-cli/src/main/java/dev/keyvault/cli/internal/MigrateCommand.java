package dev.keyvault.cli.internal;

import dev.keyvault.jdbc.JdbiKeyStore;
import picocli.CommandLine.Command;

/** {@code keyvault migrate}. */
@Command(name = "migrate",
        header = "Create or upgrade keyvault's tables.",
        description = "Create or upgrade keyvault's tables to the version this CLI knows; idempotent and safe while the"
                + " application runs. The only command that may create a database (an H2 file) or tables.",
        footerHeading = "%nExample:%n",
        footer = {"  keyvault migrate --jdbc-url jdbc:h2:file:/var/lib/app/keys",
                "%nJSON: {command, previousVersion, version}."})
final class MigrateCommand extends BaseCommand {
    @Override
    Session.Mode mode() {
        return Session.Mode.MIGRATE;
    }

    @Override
    int run(Context ctx, Session session) {
        JdbiKeyStore store = session.store();
        int before = store.schemaVersion();
        if (before > JdbiKeyStore.SCHEMA_VERSION) {
            throw CliException.usage("the database " + session.shownUrl() + " has keyvault schema version " + before
                    + ", newer than this CLI knows (" + JdbiKeyStore.SCHEMA_VERSION + "); use the CLI of the application's keyvault release");
        }
        int after = store.migrate();
        if (ctx.json()) {
            ctx.emit(result().put("previousVersion", before).put("version", after));
        } else {
            ctx.line(before == after ? "schema already at version " + after + "; nothing to do"
                    : "schema migrated from version " + before + " to " + after + " (table prefix " + store.tablePrefix() + ")");
        }
        return ExitCode.OK;
    }
}
