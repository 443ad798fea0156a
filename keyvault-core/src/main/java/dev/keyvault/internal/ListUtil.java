package dev.keyvault.internal;

import java.util.ArrayList;
import java.util.List;

final class ListUtil {
    private ListUtil() {}

    static <T> List<T> prepend(T first, List<T> rest) {
        List<T> all = new ArrayList<>(rest.size() + 1);
        all.add(first);
        all.addAll(rest);
        return List.copyOf(all);
    }
}
