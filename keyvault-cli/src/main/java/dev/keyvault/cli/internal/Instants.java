package dev.keyvault.cli.internal;

import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Instants as operators write them: {@code 2026-06-01T12:00:00Z}, with an offset, or a date (midnight UTC); and back. */
final class Instants implements ITypeConverter<Instant> {

    /** For picocli: {@link #parse}. */
    @Override
    public Instant convert(String value) {
        try {
            return parse(value);
        } catch (IllegalArgumentException e) {
            throw new TypeConversionException(e.getMessage());
        }
    }

    /** @throws IllegalArgumentException if {@code value} is none of the forms above */
    public static Instant parse(String value) {
        String v = value == null ? "" : value.strip();
        try {
            return Instant.parse(v);
        } catch (DateTimeParseException notInstant) {
            try {
                return OffsetDateTime.parse(v).toInstant();
            } catch (DateTimeParseException notOffset) {
                try {
                    return LocalDate.parse(v).atStartOfDay(ZoneOffset.UTC).toInstant();
                } catch (DateTimeParseException notDate) {
                    String shown = v.length() > 40 ? v.substring(0, 40) + "…" : v;
                    throw new IllegalArgumentException("'" + shown + "' is not a time; write it like 2026-06-01T12:00:00Z or 2026-06-01");
                }
            }
        }
    }

    /** {@code 2026-06-01T12:00:00Z}: to the second, for people. */
    public static String human(Instant at) {
        return at.truncatedTo(ChronoUnit.SECONDS).toString();
    }

    /** {@link #human(Instant)}, or {@code -} when absent. */
    public static String human(Optional<Instant> at) {
        return at.map(Instants::human).orElse("-");
    }
}
