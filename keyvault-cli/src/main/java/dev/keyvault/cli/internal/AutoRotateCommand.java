package dev.keyvault.cli.internal;

import dev.keyvault.ApiKey;
import dev.keyvault.KeyQuery;
import dev.keyvault.rotation.AutoRotationResult;
import dev.keyvault.rotation.AutoRotator;
import dev.keyvault.sink.PropertiesFileSecretsSink;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code keyvault auto-rotate}. */
@Command(name = "auto-rotate",
        header = "Rotate every due key unattended: successor, probe, secrets file, retire the old key.",
        description = {
            "Rotate without a person in the loop (the AutoRotator): for every key that is due (or one --key) issue the"
                    + " successor, probe it, write its token to the secrets file, then let the old key expire after --overlap"
                    + " (or revoke it at once with --no-overlap).",
            "Every step is durable before the next, so a run after a crash resumes; running it again never rotates a key"
                    + " twice, and closes windows whose overlap has ended."
        },
        footerHeading = "%nExample (the guide's 'automated rotation job that runs monthly'; crontab):%n",
        footer = {"  0 3 1 * *  keyvault auto-rotate --environment production \\",
                "      --sink-file /etc/app/keys.env --sink-format env \\",
                "      --probe-url https://api.example.com/v1/ping",
                "%nSink formats: properties (default; property <owner>.<name without its version>) or env (KEYVAULT_<OWNER>_<NAME>,"
                        + " for env files and systemd EnvironmentFile).",
                "%nJSON: {command, results: [{keyId, outcome, successor, oldKeyExpiresAt, steps}]}; outcome is ROTATED,"
                        + " WINDOW_OPEN, PROBE_FAILED, SINK_FAILED, SKIPPED or FAILED. Exit 1 if any PROBE_FAILED, SINK_FAILED or FAILED."})
final class AutoRotateCommand extends BaseCommand {
    @Option(names = "--sink-file", required = true, paramLabel = "<file>",
            description = "The secrets file the consumers read; created owner-only, rewritten atomically.")
    Path sinkFile;

    @Option(names = "--sink-format", paramLabel = "<format>", defaultValue = "properties",
            description = "properties or env. Default: ${DEFAULT-VALUE}.")
    String sinkFormat;

    @Option(names = "--probe-url", paramLabel = "<url>",
            description = "Check each new key with a GET to this URL (Authorization: Bearer <new token>); 2xx passes."
                    + " Default: the new key verifies against the store.")
    String probeUrl;

    @Option(names = "--probe-timeout", paramLabel = "<duration>", converter = Durations.class, defaultValue = "10s",
            description = "How long the probe may take. Default: ${DEFAULT-VALUE}.")
    Duration probeTimeout;

    @Option(names = "--overlap", paramLabel = "<duration>", converter = Durations.class, defaultValue = "24h",
            description = "How long the old key keeps verifying after delivery, so consumers can reload. Default: ${DEFAULT-VALUE}.")
    Duration overlap;

    @Option(names = "--no-overlap", description = "Revoke the old key as soon as the new token is delivered.")
    boolean noOverlap;

    @Option(names = "--stale-after", paramLabel = "<duration>", converter = Durations.class, defaultValue = "15m",
            description = "An undelivered successor this old is taken as left by an interrupted run and replaced. Default: ${DEFAULT-VALUE}.")
    Duration staleAfter;

    @Option(names = "--key", paramLabel = "<key-id>", description = "Rotate this key now, due or not (or resume its rotation).")
    String key;

    @Mixin
    KeySelection selection;

    private KeyQuery filter;
    private HttpProbe probe;
    private Function<ApiKey, String> propertyName;

    @Override
    void validate(Context ctx) {
        filter = selection.query();
        if (key != null) {
            keyId(key, "--key");
        }
        if (probeUrl != null) {
            probe = HttpProbe.of(probeUrl, probeTimeout);
        }
        propertyName = switch (sinkFormat.toLowerCase(Locale.ROOT)) {
            case "properties" -> PropertiesFileSecretsSink::defaultPropertyName;
            case "env" -> AutoRotateCommand::envName;
            default -> throw CliException.usage("--sink-format must be properties or env");
        };
        Path dir = sinkFile.toAbsolutePath().getParent();
        if (dir == null || !Files.isDirectory(dir)) {
            throw CliException.usage("--sink-file " + sinkFile + ": the directory does not exist; create it first");
        }
        if (Files.isDirectory(sinkFile)) {
            throw CliException.usage("--sink-file " + sinkFile + " is a directory; give the file the consumers read");
        }
        if (Files.exists(sinkFile) && !Files.isWritable(sinkFile)) {
            throw CliException.usage("--sink-file " + sinkFile + " is not writable by this user");
        }
        actor(ctx, "auto-rotator");
    }

    /** {@code KEYVAULT_<OWNER>_<NAME WITHOUT ITS VERSION>}, upper case, every other character an underscore. */
    static String envName(ApiKey key) {
        String base = PropertiesFileSecretsSink.defaultPropertyName(key);
        StringBuilder sb = new StringBuilder("KEYVAULT_");
        boolean underscore = true;
        for (char c : base.toUpperCase(Locale.ROOT).toCharArray()) {
            if ((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
                sb.append(c);
                underscore = false;
            } else if (!underscore) {
                sb.append('_');
                underscore = true;
            }
        }
        int end = sb.length();
        while (end > 0 && sb.charAt(end - 1) == '_') {
            end--;
        }
        return sb.substring(0, end);
    }

    @Override
    int run(Context ctx, Session session) {
        var keys = session.keysForHashing();
        if (key != null) {
            existing(keys, key);
        }
        AutoRotator.Builder b = AutoRotator.builder(keys, PropertiesFileSecretsSink.of(sinkFile, propertyName))
                .overlap(noOverlap ? Duration.ZERO : overlap)
                .staleAfter(staleAfter)
                .actor(actor(ctx, "auto-rotator"))
                .filter(filter);
        if (probe != null) {
            b.probe(probe);
        }
        AutoRotator rotator = b.build();
        List<AutoRotationResult> results;
        try (Progress p = Progress.start(ctx, "rotating", 0)) {
            results = key != null ? List.of(rotator.rotate(key)) : rotator.runOnce();
        }
        boolean failed = results.stream().anyMatch(r -> r.outcome() == AutoRotationResult.Outcome.FAILED
                || r.outcome() == AutoRotationResult.Outcome.PROBE_FAILED || r.outcome() == AutoRotationResult.Outcome.SINK_FAILED);
        Instant now = ctx.clock().instant();
        if (ctx.json()) {
            List<Json.Obj> list = new ArrayList<>();
            for (AutoRotationResult r : results) {
                list.add(Json.obj().put("keyId", r.keyId()).put("outcome", r.outcome())
                        .put("successor", r.successor().map(s -> Views.key(s, now)))
                        .put("oldKeyExpiresAt", r.oldKeyExpiresAt()).put("steps", r.steps()));
            }
            ctx.emit(result().put("results", list));
        } else if (results.isEmpty()) {
            ctx.line("nothing to rotate: no key is due and no automated rotation is open");
        } else {
            Table t = Table.of("KEY", "OUTCOME", "SUCCESSOR", "OLD KEY EXPIRES", "STEPS");
            for (AutoRotationResult r : results) {
                String colour = switch (r.outcome()) {
                    case ROTATED, WINDOW_OPEN -> Style.GREEN;
                    case SKIPPED -> "";
                    default -> Style.RED;
                };
                t.row(r.keyId(), Table.cell(r.outcome().name(), colour), r.successor().map(ApiKey::id).orElse("-"),
                        Instants.human(r.oldKeyExpiresAt()), r.message());
            }
            t.print(ctx.out(), ctx.style());
        }
        if (failed) {
            ctx.note("keyvault auto-rotate: some rotations failed (their old keys are untouched); see the steps above, fix the"
                    + " probe or sink, and run again");
            return ExitCode.FAILURE;
        }
        return ExitCode.OK;
    }
}
