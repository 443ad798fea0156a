package dev.keyvault.cli.internal;

import dev.keyvault.ApiKey;
import dev.keyvault.KeyManager;
import dev.keyvault.KeyStatus;
import dev.keyvault.RejectionReason;
import dev.keyvault.RevocationResult;
import dev.keyvault.Syntax;
import dev.keyvault.TokenMatch;
import dev.keyvault.TokenScanner;
import dev.keyvault.VerificationResult;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code keyvault scan PATH… [--revoke --reason …]}: find the store's tokens in files. */
@Command(name = "scan",
        header = "Find tokens in files and directories (exit 3 if one names an active key).",
        description = {"Scan files and directories (recursively; symbolic links inside them are not followed, .git"
                + " directories and binary files — a NUL byte in the first 8 KiB — are skipped) for tokens of this CLI's"
                + " --key-prefix whose checksum holds, in bounded memory whatever the file size. Each is reported as"
                + " file:line:column with its key id and the key's state in the store — active, expired, revoked or unknown —"
                + " and whether the secret in the file is the key's own (it is checked, never printed).",
            "Exit 3 if a token names an active key (whatever the secret check says: without the application's pepper the CLI"
                    + " cannot tell), 1 if a file could not be read, else 0.",
            "With --revoke --reason, every active key whose secret is in the files is revoked at once (first, as an"
                    + " emergency), marked compromised and its place recorded in its history (LEAK_REPORTED); then replace it"
                    + " with 'keys rotate' or 'keys issue'. A key whose secret does not match is named, not revoked: anyone can"
                    + " write a well-formed token naming a key id."},
        footerHeading = "%nExamples:%n",
        footer = {"  keyvault scan ./build ./logs             # in CI: exit 3 fails the job",
                "  keyvault scan /srv/app/config --revoke --reason 'committed to the config repository'",
                "%nJSON: {command, prefix, revoke, reason, filesScanned, skipped: [{path, why}], findings: [{path, line, column,"
                        + " keyId, state, secretMatches, revoked}], activeKeys}; state is ACTIVE, EXPIRED, REVOKED or UNKNOWN."})
final class ScanCommand extends BaseCommand {
    private static final int BINARY_PROBE = 8192;

    @Parameters(arity = "1..*", paramLabel = "<path>", description = "Files or directories to scan.")
    List<Path> paths;

    @Option(names = "--revoke", description = "Revoke the active keys whose secret is found (needs --reason).")
    boolean revoke;

    @Option(names = "--reason", paramLabel = "<text>", description = "Why, kept with each revoked key.")
    String reason;

    private record Finding(Path path, long line, long column, String keyId, String state, boolean secretMatches, boolean revoked) {}

    private record Skipped(Path path, String why) {}

    @Override
    void validate(Context ctx) {
        if (revoke) {
            if (reason == null) {
                throw CliException.usage("--revoke needs --reason: why the keys are revoked, kept with each");
            }
            try {
                Syntax.text("--reason", reason, Syntax.MAX_REASON);
            } catch (IllegalArgumentException e) {
                throw CliException.usage(e.getMessage());
            }
            actor(ctx, null);
        } else if (reason != null) {
            throw CliException.usage("--reason goes with --revoke");
        }
        for (Path p : paths) {
            if (!Files.exists(p)) {
                throw CliException.usage("no such file or directory: " + p);
            }
        }
    }

    @Override
    int run(Context ctx, Session session) throws IOException {
        KeyManager keys = session.keysForHashing();
        TokenScanner scanner = TokenScanner.forPrefixes(keys.keyPrefix());
        String actor = revoke ? actor(ctx, null) : null;
        List<Finding> findings = new ArrayList<>();
        List<Skipped> skipped = new ArrayList<>();
        Set<String> revokedHere = new HashSet<>();
        long[] scanned = new long[1];
        for (Path root : paths) {
            walk(root, true, file -> {
                try {
                    if (isBinary(file)) {
                        skipped.add(new Skipped(file, "binary"));
                        return;
                    }
                    scanFile(file, scanner, keys, actor, findings, revokedHere);
                    scanned[0]++;
                } catch (IOException | UncheckedIOException e) {
                    ctx.warn("cannot read " + file + " (" + e.getClass().getSimpleName() + "); skipped");
                    skipped.add(new Skipped(file, "unreadable"));
                }
            }, skipped);
        }
        long active = findings.stream().filter(f -> f.state().equals("ACTIVE")).map(Finding::keyId).distinct().count();
        if (ctx.json()) {
            List<Json.Obj> f = new ArrayList<>();
            for (Finding x : findings) {
                f.add(Json.obj().put("path", x.path().toString()).put("line", x.line()).put("column", x.column())
                        .put("keyId", x.keyId()).put("state", x.state()).put("secretMatches", x.secretMatches()).put("revoked", x.revoked()));
            }
            List<Json.Obj> s = new ArrayList<>();
            for (Skipped x : skipped) {
                s.add(Json.obj().put("path", x.path().toString()).put("why", x.why()));
            }
            ctx.emit(result().put("prefix", keys.keyPrefix()).put("revoke", revoke).put("reason", reason)
                    .put("filesScanned", scanned[0]).put("skipped", s).put("findings", f).put("activeKeys", active));
        } else {
            for (Finding x : findings) {
                String state = switch (x.state()) {
                    case "ACTIVE" -> ctx.style().paint(Style.RED, "ACTIVE");
                    case "UNKNOWN" -> "unknown";
                    default -> x.state().toLowerCase(java.util.Locale.ROOT);
                };
                String secret = x.state().equals("UNKNOWN") ? "" : x.secretMatches() ? ", the key's own secret"
                        : ", not the key's secret (or the CLI lacks the application's pepper)";
                ctx.line(x.path() + ":" + x.line() + ":" + x.column() + "  key " + x.keyId() + "  " + state + secret
                        + (x.revoked() ? "  -> " + ctx.style().paint(Style.RED, "revoked now") : ""));
            }
            ctx.note(scanned[0] + " file(s) scanned, " + skipped.size() + " skipped; " + findings.size() + " token(s) of prefix "
                    + keys.keyPrefix() + ", " + active + " active key(s)" + (revoke ? ", " + revokedHere.size() + " revoked now" : ""));
        }
        if (active > 0) {
            return ExitCode.CHECK_FAILED;
        }
        return skipped.stream().anyMatch(s -> s.why().equals("unreadable")) ? ExitCode.FAILURE : ExitCode.OK;
    }

    private void scanFile(Path file, TokenScanner scanner, KeyManager keys, String actor, List<Finding> findings,
            Set<String> revokedHere) throws IOException {
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 64 * 1024);
                FilePositions at = new FilePositions(file)) {
            scanner.scan(in, (TokenMatch m) -> {
                try {
                    at.moveTo(m.offset());
                    long line = at.line();
                    long column = at.column();
                    String token = at.read(m.length());
                    findings.add(judge(file, line, column, m.keyId(), token, keys, actor, revokedHere));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }

    private Finding judge(Path file, long line, long column, String keyId, String token, KeyManager keys, String actor,
            Set<String> revokedHere) {
        VerificationResult v = keys.verify(token);
        boolean own = v.isVerified() || (v instanceof VerificationResult.Rejected r
                && (r.reason() == RejectionReason.REVOKED || r.reason() == RejectionReason.EXPIRED));
        Optional<ApiKey> key = keys.get(keyId).filter(k -> k.prefix().equals(keys.keyPrefix()));
        Instant now = keys.clock().instant();
        String state = key.map(k -> k.status() == KeyStatus.REVOKED ? "REVOKED"
                : k.expiresAt().map(e -> !e.isAfter(now)).orElse(false) ? "EXPIRED" : "ACTIVE").orElse("UNKNOWN");
        boolean revokedNow = false;
        if (revoke && own && (state.equals("ACTIVE") || revokedHere.contains(keyId))) {
            // Revoke first, then record where it was found: the key stops working before anything else.
            RevocationResult r = keys.revoke(keyId, reason, actor);
            revokedNow = r.outcome() == RevocationResult.Outcome.REVOKED || revokedHere.contains(keyId);
            if (revokedNow) {
                revokedHere.add(keyId);
            }
            keys.rotation().reportLeak(keyId, where(file, line, column), actor);
        }
        return new Finding(file, line, column, keyId, revokedHere.contains(keyId) ? "ACTIVE" : state, own, revokedNow);
    }

    /** The history's LEAK_REPORTED detail: the place first. */
    private static String where(Path file, long line, long column) {
        String place = file.toAbsolutePath().normalize() + ":" + line + ":" + column;
        StringBuilder safe = new StringBuilder();
        place.codePoints().forEach(c -> safe.appendCodePoint(Character.isISOControl(c) || (Character.isWhitespace(c) && c != ' ')
                || Character.getType(c) == Character.SURROGATE || (c <= 0xFFFF && Syntax.isDirectionalFormatting((char) c)) ? '?' : c));
        String s = safe.toString();
        if (s.length() > 900) {
            s = "…" + s.substring(s.length() - 899);
        }
        return s + " (keyvault scan)";
    }

    private static boolean isBinary(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] head = in.readNBytes(BINARY_PROBE);
            for (byte b : head) {
                if (b == 0) {
                    return true;
                }
            }
            return false;
        }
    }

    /** Regular files under {@code path}, directories sorted by name; links below the roots not followed. */
    private static void walk(Path path, boolean root, java.util.function.Consumer<Path> file, List<Skipped> skipped) throws IOException {
        LinkOption[] follow = root ? new LinkOption[0] : new LinkOption[] {LinkOption.NOFOLLOW_LINKS};
        if (!root && Files.isSymbolicLink(path)) {
            skipped.add(new Skipped(path, "symbolic link"));
            return;
        }
        if (Files.isDirectory(path, follow)) {
            if (!root && path.getFileName() != null && path.getFileName().toString().equals(".git")) {
                skipped.add(new Skipped(path, ".git directory"));
                return;
            }
            List<Path> children;
            try (Stream<Path> s = Files.list(path)) {
                children = s.sorted().toList();
            } catch (IOException e) {
                skipped.add(new Skipped(path, "unreadable"));
                return;
            }
            for (Path c : children) {
                walk(c, false, file, skipped);
            }
        } else if (Files.isRegularFile(path, follow)) {
            file.accept(path);
        } else {
            skipped.add(new Skipped(path, "not a regular file"));
        }
    }
}
