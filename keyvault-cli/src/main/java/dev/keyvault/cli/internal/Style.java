package dev.keyvault.cli.internal;

/**
 * Colour for people at a terminal: ANSI codes when stdout is a terminal and {@code NO_COLOR} is not
 * set (no-color.org), plain text otherwise. Colour only repeats what the text says.
 */
final class Style {
    static final String BOLD = "1";
    static final String RED = "31";
    static final String GREEN = "32";
    static final String YELLOW = "33";
    static final String DIM = "2";

    private final boolean ansi;

    private Style(boolean ansi) {
        this.ansi = ansi;
    }

    static Style of(boolean ansi) {
        return new Style(ansi);
    }

    boolean ansi() {
        return ansi;
    }

    /** {@code text} in {@code code} (one of the constants), or as it is without colour. */
    String paint(String code, String text) {
        if (!ansi || code == null || code.isEmpty() || text.isEmpty()) {
            return text;
        }
        return "\u001b[" + code + "m" + text + "\u001b[0m";
    }
}
