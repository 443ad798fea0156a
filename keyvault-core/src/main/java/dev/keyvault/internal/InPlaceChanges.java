package dev.keyvault.internal;

import dev.keyvault.ApiKey;
import dev.keyvault.Credits;
import dev.keyvault.IpAllowlist;
import dev.keyvault.KeyEvent;
import dev.keyvault.KeyEventType;
import dev.keyvault.KeyStateException;
import dev.keyvault.KeyUpdate;
import dev.keyvault.UnknownKeyException;
import dev.keyvault.internal.rotation.Texts;
import dev.keyvault.rotation.RiskClass;
import dev.keyvault.rotation.RotationPolicy;
import dev.keyvault.spi.CreditAccount;
import dev.keyvault.spi.KeyStore;
import dev.keyvault.spi.RotationStamp;
import dev.keyvault.spi.StoredKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Changing a key in place ({@code KeyManager.update}): the new key computed from the stored one, the
 * rules (revoked keys cannot change; an extension of the expiry stops at the rotation due date), the
 * history entries with before and after, the recomputed risk class and rotation stamp, and the one
 * atomic store call ({@link KeyStore#update}, a compare-and-set on the key's revision, retried on a
 * concurrent change). Stateless.
 */
final class InPlaceChanges {
    private static final int MAX_ATTEMPTS = 16;

    private InPlaceChanges() {}

    /** What an applied change did, for the caller to tell this node's cache, ledger and listener. */
    record Applied(ApiKey before, ApiKey after, boolean scopesWidened, Optional<String> creditAccountBefore) {}

    static Applied apply(KeyStore store, RotationPolicy policy, Instant now, String keyId, KeyUpdate u) {
        for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
            StoredKey stored = store.find(keyId).orElseThrow(() -> new UnknownKeyException(keyId));
            ApiKey before = stored.key();
            if (!before.isActive()) {
                throw new KeyStateException("key " + keyId + " is revoked; a revoked key cannot be changed");
            }
            ApiKey.Builder b = before.toBuilder();
            u.scopes().ifPresent(b::scopes);
            u.tier().ifPresent(b::tier);
            if (u.changesRiskClass()) {
                b.riskClass(u.riskClass());
            }
            Optional<Instant> expiry = before.expiresAt();
            if (u.changesExpiry()) {
                expiry = u.expiresAt().map(InPlaceChanges::millis);
                expiry.ifPresent(e -> {
                    if (!e.isAfter(now)) {
                        throw new IllegalArgumentException("expiresAt must be in the future, was " + e);
                    }
                });
                b.expiresAt(expiry);
            }
            u.ipAllowlist().ifPresent(b::ipAllowlist);
            u.metadata().ifPresent(b::metadata);
            Optional<CreditAccount> account = Optional.empty();
            if (u.changesCredits()) {
                if (u.credits().isPresent()) {
                    Credits c = u.credits().get();
                    String id = before.creditAccount().orElse(before.id());
                    long generation = store.findCredits(id).map(a -> a.generation() + 1).orElse(0L);
                    account = Optional.of(new CreditAccount(id, c.balance(), c.refill(), generation, c.refill().nextAfter(now)));
                    b.creditAccount(Optional.of(id));
                } else {
                    b.creditAccount(Optional.empty());
                }
            }
            ApiKey renamed = u.name().map(n -> rename(b.build(), n)).orElseGet(b::build);
            ApiKey after = renamed;
            RotationStamp stamp = DueDates.stamp(after, policy);
            if (isExtension(before.expiresAt(), after.expiresAt()) && (after.expiresAt().isEmpty()
                    || after.expiresAt().get().isAfter(stamp.dueAt()))) {
                throw new IllegalArgumentException("an expiry may be extended at most to the key's rotation due date, "
                        + stamp.dueAt() + " (its risk class is " + policy.classify(after) + "); rotate the key instead");
            }
            boolean widened = !u.scopes().isEmpty() && widens(before, after.scopes());
            List<KeyEvent> events = events(stored, after, stamp, account, u, widened, policy, now);
            if (events.isEmpty()) {
                return new Applied(before, before, false, before.creditAccount()); // nothing changes
            }
            chainEvents(store, before, after, account, u.actor(), now, events);
            StoredKey next = stored.withKey(after).withRotation(Optional.of(stamp));
            if (store.update(next, stored.revision(), account, events)) {
                return new Applied(before, after, widened, before.creditAccount());
            }
            // The key changed between our read and our write (a rotation, another update): start from what is stored now.
        }
        throw new KeyStateException("key " + keyId + " kept changing concurrently; the update was not applied");
    }

    private static ApiKey rename(ApiKey k, String name) {
        return ApiKey.builder(k.id(), k.prefix(), k.owner(), name, k.createdAt()).scopes(k.scopes()).tier(k.tier())
                .environment(k.environment()).tags(k.tags()).riskClass(k.riskClass()).expiresAt(k.expiresAt())
                .lastUsedAt(k.lastUsedAt()).revocation(k.revocation()).predecessorId(k.predecessorId())
                .successorId(k.successorId()).compromised(k.compromised()).importedAt(k.importedAt())
                .ipAllowlist(k.ipAllowlist()).metadata(k.metadata()).creditAccount(k.creditAccount()).build();
    }

    /** A later expiry, or none where there was one. */
    private static boolean isExtension(Optional<Instant> before, Optional<Instant> after) {
        if (before.isEmpty()) {
            return false;
        }
        return after.isEmpty() || after.get().isAfter(before.get());
    }

    /** Whether {@code after} grants a scope {@code before} did not (by the scopes' own wildcard rules). */
    static boolean widens(ApiKey before, Set<String> after) {
        for (String s : after) {
            if (!before.grants(s)) {
                return true;
            }
        }
        return false;
    }

    private static List<KeyEvent> events(StoredKey stored, ApiKey after, RotationStamp stamp, Optional<CreditAccount> account,
            KeyUpdate u, boolean widened, RotationPolicy policy, Instant now) {
        ApiKey before = stored.key();
        String id = before.id();
        String actor = u.actor();
        List<KeyEvent> events = new ArrayList<>();
        List<String> changes = new ArrayList<>();
        if (!before.name().equals(after.name())) {
            changes.add("name: \"" + before.name() + "\" -> \"" + after.name() + "\"");
        }
        if (!before.scopes().equals(after.scopes())) {
            String diff = "scopes: " + setDiff(before.scopes(), after.scopes()) + "; now " + after.scopes();
            if (widened) {
                events.add(event(id, KeyEventType.SCOPES_WIDENED, now, actor, "scopes widened: " + diff));
            } else {
                changes.add(diff);
            }
        }
        if (!before.tier().equals(after.tier())) {
            changes.add("tier: " + before.tier() + " -> " + after.tier());
        }
        if (!before.riskClass().equals(after.riskClass())) {
            changes.add("explicit risk class: " + before.riskClass().map(RiskClass::name).orElse("none (derived)") + " -> "
                    + after.riskClass().map(RiskClass::name).orElse("none (derived)"));
        }
        if (!before.expiresAt().equals(after.expiresAt())) {
            changes.add("expiry: " + before.expiresAt().map(Instant::toString).orElse("never") + " -> "
                    + after.expiresAt().map(Instant::toString).orElse("never"));
        }
        if (!before.ipAllowlist().equals(after.ipAllowlist())) {
            changes.add("IP allowlist: " + describe(before.ipAllowlist()) + " -> " + describe(after.ipAllowlist()));
        }
        if (!before.metadata().equals(after.metadata())) {
            changes.add("metadata: " + mapDiff(before.metadata(), after.metadata()));
        }
        if (u.changesCredits()) {
            if (account.isPresent()) {
                CreditAccount a = account.get();
                changes.add("credits of balance " + a.id() + " set: balance " + a.balance() + ", " + a.refill()
                        + (before.creditAccount().isEmpty() ? " (had none)" : ""));
            } else if (before.creditAccount().isPresent()) {
                changes.add("credits removed (balance " + before.creditAccount().get() + " no longer applies to this key)");
            }
        }
        if (changes.isEmpty() && events.isEmpty()) {
            return events;
        }
        RiskClass riskBefore = policy.classify(before);
        RiskClass riskAfter = policy.classify(after);
        Optional<Instant> dueBefore = stored.rotation().map(RotationStamp::dueAt);
        if (riskBefore != riskAfter || !dueBefore.equals(Optional.of(stamp.dueAt()))) {
            changes.add("risk class " + riskBefore + " -> " + riskAfter + ", rotation due "
                    + dueBefore.map(Instant::toString).orElse("unknown") + " -> " + stamp.dueAt());
        }
        if (!changes.isEmpty()) {
            events.add(event(id, KeyEventType.UPDATED, now, actor, String.join("; ", changes)));
        }
        return events;
    }

    /**
     * The credits belong to the rotation chain: when they are set, the chain's other active key gets an
     * entry too, so nodes that cache only that key learn of it through the change feed.
     */
    private static void chainEvents(KeyStore store, ApiKey before, ApiKey after, Optional<CreditAccount> account, String actor,
            Instant now, List<KeyEvent> events) {
        if (account.isEmpty()) {
            return;
        }
        String acct = account.get().id();
        for (Optional<String> other : List.of(before.predecessorId(), before.successorId())) {
            if (other.isPresent()) {
                store.find(other.get()).map(StoredKey::key)
                        .filter(k -> k.isActive() && k.creditAccount().equals(Optional.of(acct)))
                        .ifPresent(k -> events.add(event(k.id(), KeyEventType.UPDATED, now, actor,
                                "credits of its rotation chain (balance " + acct + ") were set through key " + after.id())));
            }
        }
    }

    private static KeyEvent event(String id, KeyEventType type, Instant at, String actor, String detail) {
        return new KeyEvent(id, type, at, actor, Texts.clip(detail, KeyEvent.MAX_DETAIL));
    }

    private static String describe(IpAllowlist list) {
        return list.isEmpty() ? "any address" : list.ranges().toString();
    }

    private static String setDiff(Set<String> before, Set<String> after) {
        Set<String> added = new TreeSet<>(after);
        added.removeAll(before);
        Set<String> removed = new TreeSet<>(before);
        removed.removeAll(after);
        List<String> parts = new ArrayList<>();
        if (!added.isEmpty()) {
            parts.add("added " + added);
        }
        if (!removed.isEmpty()) {
            parts.add("removed " + removed);
        }
        return String.join(", ", parts);
    }

    private static String mapDiff(Map<String, String> before, Map<String, String> after) {
        List<String> parts = new ArrayList<>();
        Map<String, String> all = new TreeMap<>(before);
        all.putAll(after);
        for (String k : all.keySet()) {
            String b = before.get(k);
            String a = after.get(k);
            if (b == null) {
                parts.add(k + " set to \"" + a + "\"");
            } else if (a == null) {
                parts.add(k + " removed (was \"" + b + "\")");
            } else if (!Objects.equals(a, b)) {
                parts.add(k + ": \"" + b + "\" -> \"" + a + "\"");
            }
        }
        return String.join(", ", parts);
    }

    private static Instant millis(Instant t) {
        try {
            return Instant.ofEpochMilli(t.toEpochMilli());
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("time out of range: " + t);
        }
    }
}
