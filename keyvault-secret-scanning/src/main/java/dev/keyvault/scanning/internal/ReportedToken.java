package dev.keyvault.scanning.internal;

/**
 * One entry of GitHub's alert, {@code {"token","type","url","source"}}. {@link #toString()} leaves the
 * token out.
 */
public record ReportedToken(String token, String type, String url, String source) {
    @Override
    public String toString() {
        return "ReportedToken[type=" + type + ", source=" + source + "]";
    }
}
