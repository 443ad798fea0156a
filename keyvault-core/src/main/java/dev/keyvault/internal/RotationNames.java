package dev.keyvault.internal;

import dev.keyvault.Syntax;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Successor names: {@code "Sync"} → {@code "Sync v2"} → {@code "Sync v3"}; never the old name. */
public final class RotationNames {
    private static final Pattern VERSIONED = Pattern.compile("(.*\\S) v(\\d{1,9})");

    private RotationNames() {}

    public static String next(String name) {
        Matcher m = VERSIONED.matcher(name);
        String base = name;
        long version = 2;
        if (m.matches()) {
            base = m.group(1);
            version = Long.parseLong(m.group(2)) + 1;
        }
        String suffix = " v" + version;
        if (base.length() + suffix.length() > Syntax.MAX_NAME) {
            base = base.substring(0, Syntax.MAX_NAME - suffix.length()).stripTrailing();
            if (Character.isHighSurrogate(base.charAt(base.length() - 1))) {
                base = base.substring(0, base.length() - 1);
            }
        }
        return base + suffix;
    }
}
