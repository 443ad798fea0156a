package dev.keyvault.cli.internal;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Durations as operators write them: {@code 90d}, {@code 24h}, {@code 15m}, {@code 30s}, {@code 2w},
 * combined ({@code 1d12h}), or ISO-8601 ({@code P90D}, {@code PT24H}); and back, for people.
 */
final class Durations implements ITypeConverter<Duration> {
    private static final Pattern PART = Pattern.compile("(\\d{1,9})(w|d|h|m|s)");
    private static final Pattern WHOLE = Pattern.compile("(?:\\d{1,9}(?:w|d|h|m|s))+");

    /** For picocli: {@link #parse}. */
    @Override
    public Duration convert(String value) {
        try {
            return parse(value);
        } catch (IllegalArgumentException e) {
            throw new TypeConversionException(e.getMessage());
        }
    }

    /**
     * @throws IllegalArgumentException if {@code value} is not a positive duration in one of the forms above
     */
    public static Duration parse(String value) {
        String v = value == null ? "" : value.strip();
        Duration d;
        if (v.length() > 1 && (v.charAt(0) == 'P' || v.charAt(0) == 'p')) {
            try {
                d = Duration.parse(v.toUpperCase(Locale.ROOT));
            } catch (DateTimeParseException e) {
                throw bad(v);
            }
        } else if (WHOLE.matcher(v).matches()) {
            d = Duration.ZERO;
            Matcher m = PART.matcher(v);
            while (m.find()) {
                long n = Long.parseLong(m.group(1));
                d = d.plus(switch (m.group(2)) {
                    case "w" -> Duration.ofDays(7 * n);
                    case "d" -> Duration.ofDays(n);
                    case "h" -> Duration.ofHours(n);
                    case "m" -> Duration.ofMinutes(n);
                    default -> Duration.ofSeconds(n);
                });
            }
        } else {
            throw bad(v);
        }
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException("'" + v + "' is not a positive duration");
        }
        return d;
    }

    private static IllegalArgumentException bad(String v) {
        String shown = v.length() > 40 ? v.substring(0, 40) + "…" : v;
        return new IllegalArgumentException("'" + shown + "' is not a duration; write it like 90d, 24h, 15m, 1d12h or P90D");
    }

    /** {@code 90d}, {@code 3h 12m}, {@code 45s}: the two largest units, for people. */
    public static String human(Duration d) {
        if (d.isNegative()) {
            return "-" + human(d.negated());
        }
        long days = d.toDays();
        long hours = d.toHoursPart();
        long minutes = d.toMinutesPart();
        long seconds = d.toSecondsPart();
        if (days > 0) {
            return hours > 0 ? days + "d " + hours + "h" : days + "d";
        }
        if (hours > 0) {
            return minutes > 0 ? hours + "h " + minutes + "m" : hours + "h";
        }
        if (minutes > 0) {
            return seconds > 0 ? minutes + "m " + seconds + "s" : minutes + "m";
        }
        return seconds + "s";
    }
}
