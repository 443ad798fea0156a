package dev.keyvault.internal;

import dev.keyvault.KeyQuery;
import dev.keyvault.spi.KeyStore;
import dev.keyvault.spi.StoredKey;
import java.util.ArrayList;
import java.util.List;

/** Reads every key matching a query, page by page (keyset paging on the id). */
public final class Paging {
    private static final int PAGE = 1_000;

    private Paging() {}

    public static List<StoredKey> all(KeyStore store, KeyQuery query) {
        List<StoredKey> all = new ArrayList<>();
        KeyQuery page = query.withLimit(PAGE);
        for (;;) {
            List<StoredKey> got = store.list(page);
            all.addAll(got);
            if (got.size() < PAGE) {
                return all;
            }
            page = page.withAfterId(got.get(got.size() - 1).id());
        }
    }
}
