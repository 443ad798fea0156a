package dev.keyvault.cli.internal;

import dev.keyvault.ApiKey;
import dev.keyvault.KeyManager;
import dev.keyvault.Syntax;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * A command that works on the store: checks its own inputs first ({@link #validate}), then opens a
 * {@link Session} and runs. Returns the exit code.
 */
@Command
abstract class BaseCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public final Integer call() throws Exception {
        Context ctx = context();
        validate(ctx);
        try (Session session = Session.open(ctx, mode())) {
            return run(ctx, session);
        }
    }

    /** Checks the inputs that need no database, so a mistake changes nothing. Default: none. */
    void validate(Context ctx) {}

    Session.Mode mode() {
        return Session.Mode.EXISTING_SCHEMA;
    }

    abstract int run(Context ctx, Session session) throws Exception;

    Context context() {
        return ((RootCommand) spec.root().userObject()).context();
    }

    /** The command as written after {@code keyvault}, such as {@code keys issue}: the JSON objects' {@code command}. */
    String name() {
        return commandName(spec);
    }

    static String commandName(CommandSpec spec) {
        String q = spec.qualifiedName(" ");
        return q.startsWith("keyvault ") ? q.substring("keyvault ".length()) : q;
    }

    /** A new JSON result, its {@code command} field set. */
    Json.Obj result() {
        return Json.obj().put("command", name());
    }

    /** Who the history names: {@code --actor}, {@code KEYVAULT_ACTOR}, the OS user, else {@code fallback}. */
    static String actor(Context ctx, String fallback) {
        String option = ctx.options().actor;
        String actor = option != null ? option : ctx.env("KEYVAULT_ACTOR").orElse(null);
        if (actor == null) {
            String user = System.getProperty("user.name", "");
            actor = fallback != null ? fallback : user.isBlank() ? "keyvault-cli" : user;
        }
        try {
            return Syntax.text("actor", actor.strip(), Syntax.MAX_ACTOR);
        } catch (IllegalArgumentException e) {
            throw CliException.usage("--actor / KEYVAULT_ACTOR: " + e.getMessage());
        }
    }

    /** Checks a key id argument without echoing it (a pasted secret must not reach the terminal's scrollback twice). */
    static String keyId(String value, String what) {
        if (!Syntax.isKeyId(value)) {
            throw CliException.usage(what + " is not a key id: key ids are " + Syntax.KEY_ID_LENGTH
                    + " letters and digits, as 'keyvault keys list' shows them");
        }
        return value;
    }

    /** The key, or exit 2 naming the id. */
    static ApiKey existing(KeyManager keys, String id) {
        return keys.get(id).orElseThrow(() -> unknownKey(id));
    }

    static CliException unknownKey(String id) {
        return CliException.usage("no key with id " + id + " in the store; 'keyvault keys list' shows the keys (check"
                + " --jdbc-url and --table-prefix if it should be there)");
    }
}
