package dev.keyvault.cli.internal;

import dev.keyvault.Syntax;
import dev.keyvault.VerificationRequest;
import dev.keyvault.VerificationResult;
import java.io.Console;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code keyvault verify}: the token from stdin, never from the command line. */
@Command(name = "verify",
        header = "Check a token read from stdin (exit 3 if rejected).",
        description = {"Check a token, read from stdin (never from the command line: shell history and process lists"
                + " would keep it). Exit 0 if it verifies, 3 if it is rejected (MALFORMED, UNKNOWN, INVALID, REVOKED, EXPIRED).",
            "Give the CLI the application's pepper and --key-prefix. Like the application, a verify re-hashes a key that is"
                    + " not on the current hash scheme."},
        footerHeading = "%nExample (after 'keys complete', the old key must fail):%n",
        footer = {"  keyvault verify < ./kb-sync.token",
                "%nJSON: {command, verified, reason, keyId, key}; reason is null when verified, keyId is known for"
                        + " verified, REVOKED and EXPIRED tokens only, key ({id, owner, name, scopes, tier, environment}) when verified."})
final class VerifyCommand extends BaseCommand {
    private static final int MAX_TOKEN_BYTES = 4096;

    @Option(names = "--client-address", paramLabel = "<ip>",
            description = "The address the request would come from, for keys with an IP allowlist.")
    String clientAddress;

    private String token;

    @Override
    void validate(Context ctx) {
        if (clientAddress != null && !Syntax.isClientIp(clientAddress)) {
            throw CliException.usage("--client-address must be an IPv4 or IPv6 address");
        }
        token = readToken(ctx);
        ctx.redactor().add(token);
    }

    private static String readToken(Context ctx) {
        if (ctx.stdinTerminal()) {
            Console console = System.console();
            if (console != null) {
                char[] typed = console.readPassword("token (not echoed): ");
                if (typed == null) {
                    throw CliException.usage("no token read; pipe it to stdin: keyvault verify < token-file");
                }
                try {
                    return check(new String(typed).strip());
                } finally {
                    Arrays.fill(typed, '\0');
                }
            }
        }
        try {
            InputStream in = ctx.in();
            byte[] bytes = in.readNBytes(MAX_TOKEN_BYTES + 1);
            if (bytes.length > MAX_TOKEN_BYTES) {
                throw CliException.usage("stdin holds more than a token (over " + MAX_TOKEN_BYTES + " bytes); give it the token"
                        + " alone: keyvault verify < token-file");
            }
            String text = new String(bytes, StandardCharsets.UTF_8);
            int nl = text.indexOf('\n');
            return check((nl < 0 ? text : text.substring(0, nl)).strip());
        } catch (IOException e) {
            throw CliException.usage("cannot read the token from stdin (" + e.getClass().getSimpleName() + ")", e);
        }
    }

    private static String check(String token) {
        if (token.isEmpty()) {
            throw CliException.usage("no token on stdin; pipe it in: keyvault verify < token-file (or echo \"$TOKEN\" |"
                    + " keyvault verify)");
        }
        return token;
    }

    @Override
    int run(Context ctx, Session session) {
        var keys = session.keysForHashing();
        // cost 0: an operator's check must not spend the key's usage credits (it still needs one left)
        VerificationRequest request = VerificationRequest.of(token).withCost(0);
        if (clientAddress != null) {
            request = request.withClientAddress(clientAddress);
        }
        VerificationResult result = keys.verify(request);
        if (ctx.json()) {
            Json.Obj out = result().put("verified", result.isVerified())
                    .put("reason", result instanceof VerificationResult.Rejected r ? r.reason() : null)
                    .put("keyId", result.keyId());
            if (result instanceof VerificationResult.Verified v) {
                out.put("key", Json.obj().put("id", v.key().id()).put("owner", v.owner()).put("name", v.key().name())
                        .put("scopes", java.util.List.copyOf(v.scopes())).put("tier", v.tier()).put("environment", v.key().environment()));
            } else {
                out.put("key", null);
            }
            ctx.emit(out);
        } else if (result instanceof VerificationResult.Verified v) {
            ctx.line(ctx.style().paint(Style.GREEN, "verified") + ": " + Views.label(v.key()) + " of " + v.owner() + ", scopes "
                    + Views.joined(v.scopes()) + ", tier " + v.tier());
        } else {
            VerificationResult.Rejected r = (VerificationResult.Rejected) result;
            ctx.line(ctx.style().paint(Style.RED, "rejected") + ": " + r.reason()
                    + r.keyId().map(id -> " (key " + id + ")").orElse("") + " — " + explain(r));
        }
        if (!result.isVerified()) {
            return ExitCode.CHECK_FAILED;
        }
        return ExitCode.OK;
    }

    private static String explain(VerificationResult.Rejected r) {
        return switch (r.reason()) {
            case MALFORMED -> "not a token of prefix this CLI was given (check --key-prefix / KEYVAULT_KEY_PREFIX) or mistyped";
            case UNKNOWN -> "no key has this id in the store";
            case INVALID -> "the secret does not match (or the CLI lacks the application's pepper)";
            case REVOKED -> "the key was revoked";
            case EXPIRED -> "the key has expired";
            case IP_NOT_ALLOWED -> "the key has an IP allowlist and --client-address is outside it (or was not given)";
            case CREDITS_EXHAUSTED -> "the key's usage credits are used up"
                    + r.retryAt().map(t -> " until the refill at " + Instants.human(t)).orElse("");
        };
    }
}
