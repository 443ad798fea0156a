package dev.keyvault.console.internal;

import dev.keyvault.ApiKey;
import dev.keyvault.KeyEvent;
import dev.keyvault.KeyEventType;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a key's history says about a leak, for the page to show beside a flagged or revoked key: the
 * report's URL (only {@code http}/{@code https}, so a hostile entry cannot become a
 * {@code javascript:} link) and its source.
 *
 * <p>A leak reported through {@code rotation().reportLeak} (the secret-scanning endpoint, the CLI's
 * scan, a person) is a {@code LEAK_REPORTED} entry whose detail says where the token was found —
 * the endpoint writes {@code "<url> (<reporter>, source: <source>)"}; the latest such entry is shown.
 * A key flagged without one — by an emergency rotation whose reason names the place, or by an
 * operator by hand — is shown from its {@code COMPROMISED} or {@code REVOKED} entry, preferring one
 * whose text holds a URL.
 */
final class LeakReports {
    private static final Pattern URL = Pattern.compile("https?://[^\\s<>\"'`]+", Pattern.CASE_INSENSITIVE);
    private static final Pattern SOURCE = Pattern.compile("(?i)\\b(?:source|reported by|via)\\s*[:=]?\\s*([^;,()\\n]{1,80})");

    private LeakReports() {}

    static Optional<Views.Leak> of(ApiKey key, List<KeyEvent> history) {
        for (int i = history.size() - 1; i >= 0; i--) {
            KeyEvent e = history.get(i);
            if (e.type() == KeyEventType.LEAK_REPORTED) {
                return Optional.of(leak(e));
            }
        }
        if (!key.compromised()) {
            return Optional.empty();
        }
        for (int i = history.size() - 1; i >= 0; i--) {
            KeyEvent e = history.get(i);
            if ((e.type() == KeyEventType.COMPROMISED || e.type() == KeyEventType.REVOKED) && url(e.detail()).isPresent()) {
                return Optional.of(leak(e));
            }
        }
        for (int i = history.size() - 1; i >= 0; i--) {
            KeyEvent e = history.get(i);
            if (e.type() == KeyEventType.COMPROMISED) {
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
