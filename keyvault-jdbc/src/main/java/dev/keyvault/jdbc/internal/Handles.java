package dev.keyvault.jdbc.internal;

import java.util.function.Function;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.ColonPrefixSqlParser;
import org.jdbi.v3.core.statement.SqlParser;
import org.jdbi.v3.core.statement.SqlStatements;
import org.jdbi.v3.core.statement.TemplateEngine;

/**
 * Runs the store's statements on a handle of the host's {@code Jdbi} with the settings they are
 * written for, whatever the host configured: no template engine (so nothing in our SQL is ever
 * rendered as a template) and {@code :name} parameters. JDBI may hand us a handle the host already
 * has open on this thread, so the settings are restored afterwards.
 */
public final class Handles {
    private static final SqlParser PARSER = new ColonPrefixSqlParser();

    private Handles() {}

    public static <T> T with(Handle handle, Function<Handle, T> body) {
        SqlStatements config = handle.getConfig(SqlStatements.class);
        TemplateEngine engine = config.getTemplateEngine();
        SqlParser parser = config.getSqlParser();
        config.setTemplateEngine(TemplateEngine.NOP).setSqlParser(PARSER);
        try {
            return body.apply(handle);
        } finally {
            config.setTemplateEngine(engine).setSqlParser(parser);
        }
    }
}
