package dev.keyvault;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.Optional;

/**
 * When a key's usage credits are refilled, and to how many: {@linkplain #none() never},
 * {@linkplain #daily(LocalTime, long) every day at a UTC time}, or {@linkplain #monthly(int, long)
 * every month on a day} (at 00:00 UTC; in a month without that day, on its last day). A refill
 * <em>sets</em> the balance to {@link #amount()} — unused credits do not carry over — as Unkey's
 * refills do. Refills are applied lazily, by the first node that takes credits after the refill time.
 *
 * <p>Immutable and thread-safe. Equal when interval, time or day, and amount are equal.
 */
public final class CreditRefill {
    /** The largest balance or refill amount. */
    public static final long MAX_CREDITS = 1_000_000_000_000L;

    /** How often the balance is refilled. */
    public enum Interval {
        /** Never: the balance only goes down (or is set by an in-place change). */
        NONE,
        /** Every day at {@link #time()} UTC. */
        DAILY,
        /** Every month on {@link #dayOfMonth()} at 00:00 UTC. */
        MONTHLY
    }

    private static final CreditRefill NONE = new CreditRefill(Interval.NONE, 0, LocalTime.MIDNIGHT, 0);

    private final Interval interval;
    private final long amount;
    private final LocalTime time;
    private final int dayOfMonth;

    private CreditRefill(Interval interval, long amount, LocalTime time, int dayOfMonth) {
        this.interval = interval;
        this.amount = amount;
        this.time = time;
        this.dayOfMonth = dayOfMonth;
    }

    /** No refill. */
    public static CreditRefill none() {
        return NONE;
    }

    /**
     * Every day at {@code utcTime} (whole minutes), the balance is set to {@code amount}.
     *
     * @throws IllegalArgumentException if the time has seconds, or the amount is not 1–{@value #MAX_CREDITS}
     */
    public static CreditRefill daily(LocalTime utcTime, long amount) {
        requireNonNull(utcTime, "utcTime");
        if (utcTime.getSecond() != 0 || utcTime.getNano() != 0) {
            throw new IllegalArgumentException("a daily refill time is in whole minutes");
        }
        return new CreditRefill(Interval.DAILY, amount(amount), utcTime, 0);
    }

    /**
     * Every month on {@code dayOfMonth} (1–31; in shorter months, their last day) at 00:00 UTC, the
     * balance is set to {@code amount}.
     *
     * @throws IllegalArgumentException if the day is not 1–31, or the amount is not 1–{@value #MAX_CREDITS}
     */
    public static CreditRefill monthly(int dayOfMonth, long amount) {
        if (dayOfMonth < 1 || dayOfMonth > 31) {
            throw new IllegalArgumentException("a monthly refill day is 1-31, was " + dayOfMonth);
        }
        return new CreditRefill(Interval.MONTHLY, amount(amount), LocalTime.MIDNIGHT, dayOfMonth);
    }

    private static long amount(long amount) {
        if (amount < 1 || amount > MAX_CREDITS) {
            throw new IllegalArgumentException("a refill amount is 1-" + MAX_CREDITS + ", was " + amount);
        }
        return amount;
    }

    public Interval interval() {
        return interval;
    }

    /** What a refill sets the balance to; 0 for {@link Interval#NONE}. */
    public long amount() {
        return amount;
    }

    /** The UTC time of a daily refill (midnight for the others). */
    public LocalTime time() {
        return time;
    }

    /** The day of a monthly refill, 1–31 (0 for the others). */
    public int dayOfMonth() {
        return dayOfMonth;
    }

    /** The first refill strictly after {@code after}; empty for {@link Interval#NONE}. */
    public Optional<Instant> nextAfter(Instant after) {
        requireNonNull(after, "after");
        LocalDateTime t = LocalDateTime.ofInstant(after, ZoneOffset.UTC);
        switch (interval) {
            case DAILY: {
                LocalDateTime candidate = t.toLocalDate().atTime(time);
                if (!candidate.isAfter(t)) {
                    candidate = candidate.plusDays(1);
                }
                return Optional.of(candidate.toInstant(ZoneOffset.UTC));
            }
            case MONTHLY: {
                YearMonth month = YearMonth.from(t);
                LocalDateTime candidate = refillDay(month).atStartOfDay();
                if (!candidate.isAfter(t)) {
                    candidate = refillDay(month.plusMonths(1)).atStartOfDay();
                }
                return Optional.of(candidate.toInstant(ZoneOffset.UTC));
            }
            default:
                return Optional.empty();
        }
    }

    private LocalDate refillDay(YearMonth month) {
        return month.atDay(Math.min(dayOfMonth, month.lengthOfMonth()));
    }

    /**
     * The compact form stores and the CLI use: {@code none}, {@code daily@HH:MM:AMOUNT} or
     * {@code monthly@DAY:AMOUNT}. {@link #parse} reads it back.
     */
    public String encode() {
        return switch (interval) {
            case NONE -> "none";
            case DAILY -> "daily@" + time + ":" + amount;
            case MONTHLY -> "monthly@" + dayOfMonth + ":" + amount;
        };
    }

    /**
     * Reads the form {@link #encode()} writes.
     *
     * @throws IllegalArgumentException if {@code text} is not in that form (the message does not echo it)
     */
    public static CreditRefill parse(String text) {
        requireNonNull(text, "refill");
        if (text.equals("none")) {
            return NONE;
        }
        try {
            if (text.startsWith("daily@") && text.length() <= 40) {
                String rest = text.substring(6);
                int cut = rest.lastIndexOf(':');
                String hm = rest.substring(0, cut);
                if (!hm.matches("\\d{2}:\\d{2}")) {
                    throw new IllegalArgumentException();
                }
                return daily(LocalTime.parse(hm), Long.parseLong(digits(rest.substring(cut + 1))));
            }
            if (text.startsWith("monthly@") && text.length() <= 40) {
                String rest = text.substring(8);
                int cut = rest.indexOf(':');
                return monthly(Integer.parseInt(digits(rest.substring(0, cut))), Long.parseLong(digits(rest.substring(cut + 1))));
            }
        } catch (RuntimeException e) {
            // fall through to one message that does not echo the input
        }
        throw new IllegalArgumentException("a credit refill is none, daily@HH:MM:AMOUNT or monthly@DAY:AMOUNT"
                + " (amount 1-" + MAX_CREDITS + ", day 1-31)");
    }

    private static String digits(String s) {
        if (s.isEmpty() || s.length() > 13 || !s.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new IllegalArgumentException();
        }
        return s;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CreditRefill r && interval == r.interval && amount == r.amount && time.equals(r.time)
                && dayOfMonth == r.dayOfMonth;
    }

    @Override
    public int hashCode() {
        return (interval.hashCode() * 31 + Long.hashCode(amount)) * 31 + time.hashCode() * 7 + dayOfMonth;
    }

    @Override
    public String toString() {
        return switch (interval) {
            case NONE -> "no refill";
            case DAILY -> "daily at " + time + " UTC to " + amount;
            case MONTHLY -> "monthly on day " + dayOfMonth + " to " + amount;
        };
    }
}
