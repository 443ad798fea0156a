package dev.keyvault.console.internal;

import dev.keyvault.ApiKey;
import dev.keyvault.KeyEvent;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a key's history says about a leak, for the page to show beside a revoked or flagged key: the
 * report's URL (only {@code http}/{@code https}, so a hostile entry cannot become a
 * {@code javascript:} link) and its source.
 *
 * <p>A leak report recorded by a leak-report endpoint is a {@code LEAK_REPORTED} entry whose detail
 * holds the URL and the source. Histories written before that entry type existed — or by an operator
 * by hand — say it in the detail of the {@code COMPROMISED} or {@code REVOKED} entry ("token posted
 * in https://gist.github.com/…"), so those are read too, latest first. The type is matched by name so
 * this reads both kinds of history.
 */
final class LeakReports {
    static final String LEAK_REPORTED = "LEAK_REPORTED";
    private static final Pattern URL = Pattern.compile("https?://[^\\s<>\"'`]+", Pattern.CASE_INSENSITIVE);
    private static final Pattern SOURCE = Pattern.compile("(?i)\\b(?:source|reported by|via)\\s*[:=]?\\s*([^;,()\\n]{1,80})");

    private LeakReports() {}

    static Optional<Views.Leak> of(ApiKey key, List<KeyEvent> history) {
        for (int i = history.size() - 1; i >= 0; i--) {
            KeyEvent e = history.get(i);
            if (e.type().name().equals(LEAK_REPORTED)) {
                return Optional.of(leak(e));
            }
        }
        if (!key.compromised()) {
            return Optional.empty();
        }
        for (int i = history.size() - 1; i >= 0; i--) {
            KeyEvent e = history.get(i);
            String type = e.type().name();
            if ((type.equals("COMPROMISED") || type.equals("REVOKED")) && url(e.detail()).isPresent()) {
                return Optional.of(leak(e));
            }
        }
        for (int i = history.size() - 1; i >= 0; i--) {
            KeyEvent e = history.get(i);
            if (e.type().name().equals("COMPROMISED")) {
                return Optional.of(leak(e));
            }
        }
        return Optional.empty();
    }

    private static Views.Leak leak(KeyEvent e) {
        return new Views.Leak(e.at(), e.type().name(), url(e.detail()).orElse(null), source(e.detail()).orElse(null), e.detail());
    }

    /** The first http(s) URL in {@code text} that parses as an absolute URL with a host. */
    static Optional<String> url(String text) {
        Matcher m = URL.matcher(text);
        while (m.find()) {
            String candidate = m.group();
            while (!candidate.isEmpty() && ".,;:)]}!?".indexOf(candidate.charAt(candidate.length() - 1)) >= 0) {
                candidate = candidate.substring(0, candidate.length() - 1);
            }
            try {
                URI uri = new URI(candidate);
                String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
                if ((scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null && uri.getRawUserInfo() == null) {
                    return Optional.of(uri.toASCIIString());
                }
            } catch (URISyntaxException e) {
                // not a URL after all: look further
            }
        }
        return Optional.empty();
    }

    static Optional<String> source(String text) {
        Matcher m = SOURCE.matcher(text);
        if (m.find()) {
            String s = URL.matcher(m.group(1)).replaceAll("").strip();
            return s.isEmpty() ? Optional.empty() : Optional.of(s);
        }
        return Optional.empty();
    }
}
