package dev.keyvault.contract;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keyvault.ApiKey;
import dev.keyvault.IssuedKey;
import dev.keyvault.KeyManager;
import dev.keyvault.KeySpec;
import dev.keyvault.rotation.DueDateRecompute;
import dev.keyvault.rotation.RiskClass;
import dev.keyvault.rotation.RotationDue;
import dev.keyvault.rotation.RotationDuePage;
import dev.keyvault.rotation.RotationDueQuery;
import dev.keyvault.rotation.RotationPolicy;
import dev.keyvault.spi.RotationStamp;
import dev.keyvault.spi.StoredKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The stored, indexed rotation due dates over a store: every key stamped when it is issued, imported,
 * rotated, changed or compromised; pages of due keys by due date then id; the recomputation when the
 * policy changes; keys stored without a date (schema version 2 and older) stamped before a listing.
 * Every store runs this suite unchanged (see {@link StoreHarness}).
 */
public abstract class RotationDueContract extends ManagerFixture {

    protected RotationDueContract(StoreHarness harness) {
        super(harness);
    }

    private Optional<RotationStamp> stampOf(String id) {
        return store.find(id).flatMap(StoredKey::rotation);
    }

    @Test
    void whenKeysAreIssuedRotatedAndCompromisedThenEachCarriesTheDueDateOfItsPolicy() {
        Instant t0 = clock.instant();
        String fp = keys.rotation().policy().fingerprint();
        IssuedKey reader = issue("Reader", "kb:read");
        IssuedKey writer = issue("Writer", "kb:write");
        IssuedKey admin = issue("Admin", "*");
        IssuedKey explicit = keys.issue(KeySpec.builder("acme", "Explicit").scopes("kb:read").riskClass(RiskClass.BROAD).build());

        assertThat(stampOf(reader.id())).contains(new RotationStamp(t0.plus(Duration.ofDays(365)), fp));
        assertThat(stampOf(writer.id())).contains(new RotationStamp(t0.plus(Duration.ofDays(180)), fp));
        assertThat(stampOf(admin.id())).contains(new RotationStamp(t0.plus(Duration.ofDays(90)), fp));
        assertThat(stampOf(explicit.id())).contains(new RotationStamp(t0.plus(Duration.ofDays(90)), fp));

        clock.advance(Duration.ofDays(10));
        IssuedKey next = keys.rotate(reader.id());
        assertThat(stampOf(next.id())).contains(new RotationStamp(clock.instant().plus(Duration.ofDays(365)), fp));
        assertThat(stampOf(reader.id())).as("the old key keeps its date until it is revoked")
                .contains(new RotationStamp(t0.plus(Duration.ofDays(365)), fp));
        keys.rotation().emergencyRotate(writer.id(), "leaked", "sec");
        assertThat(stampOf(writer.id())).as("revoked: never due").isEmpty();
    }

    @Test
    void whenDueKeysArePagedThenThePagesAreTheReportInDueOrderAndFilterLikeAKeyQuery() {
        Instant t0 = clock.instant();
        List<IssuedKey> issued = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            clock.set(t0.plus(Duration.ofHours(i % 5)));
            issued.add(keys.issue(KeySpec.builder(i % 2 == 0 ? "acme" : "globex", "k" + i).scopes("*")
                    .environment(i % 3 == 0 ? "production" : "staging").metadata(Map.of("plan", i % 4 == 0 ? "pro" : "free"))
                    .build()));
        }
        IssuedKey expired = keys.issue(KeySpec.builder("acme", "expires").scopes("*").expiresAt(t0.plus(Duration.ofDays(85))).build());
        Instant at = t0.plus(Duration.ofDays(86));
        List<RotationDue> report = keys.rotationDue(at).entries();
        assertThat(report).hasSize(25).extracting(d -> d.key().id()).doesNotContain(expired.id());

        List<RotationDue> paged = new ArrayList<>();
        RotationDuePage page = keys.rotationDue(RotationDueQuery.asOf(at).withLimit(4));
        int pages = 1;
        paged.addAll(page.entries());
        while (page.next().isPresent()) {
            page = keys.rotationDue(page.next().get());
            paged.addAll(page.entries());
            pages++;
        }
        assertThat(pages).isEqualTo(7);
        assertThat(paged).isEqualTo(report);
        for (int i = 1; i < paged.size(); i++) {
            RotationDue a = paged.get(i - 1);
            RotationDue b = paged.get(i);
            assertThat(a.dueAt().isBefore(b.dueAt()) || (a.dueAt().equals(b.dueAt()) && a.key().id().compareTo(b.key().id()) < 0))
                    .as("ordered by due date, then id").isTrue();
        }

        RotationDueQuery acmeProductionPro = RotationDueQuery.asOf(at).withOwner("acme").withEnvironment("production")
                .withMetadata("plan", "pro");
        assertThat(keys.rotationDue(acmeProductionPro).entries()).extracting(d -> d.key().id()).containsExactlyElementsOf(
                report.stream().map(RotationDue::key).filter(k -> k.owner().equals("acme") && k.environment().equals("production")
                        && k.metadata().get("plan").equals("pro")).map(ApiKey::id).toList());
        assertThat(keys.rotationDue(RotationDueQuery.asOf(at).withDueBy(t0.plus(Duration.ofDays(90)).plus(Duration.ofHours(1))))
                .entries()).hasSize(10);
        assertThat(keys.rotationDue(RotationDueQuery.asOf(t0)).entries()).as("nothing due at issue, none in the window").isEmpty();

        // the counts per urgency over every page, as the store counts them
        for (Instant when : List.of(t0, t0.plus(Duration.ofDays(80)), t0.plus(Duration.ofDays(90)).plus(Duration.ofHours(2)),
                t0.plus(Duration.ofDays(91)).plus(Duration.ofHours(3)), at)) {
            dev.keyvault.rotation.RotationDueReport r = keys.rotationDue(when);
            dev.keyvault.rotation.RotationDueCounts c = keys.rotationDueCounts(RotationDueQuery.asOf(when).withLimit(1));
            assertThat(List.of(c.overdue(), c.due(), c.upcoming())).as("counts at %s", when).containsExactly(
                    (long) r.overdue().size(), (long) r.due().size(), (long) r.upcoming().size());
        }
        dev.keyvault.rotation.RotationDueCounts acme = keys.rotationDueCounts(RotationDueQuery.asOf(at).withOwner("acme"));
        assertThat(acme.total()).isEqualTo(report.stream().filter(d -> d.key().owner().equals("acme")).count());
    }

    @Test
    void whenThePolicyChangesThenRecomputingRestampsTheKeysItComputedOtherwise() {
        Instant t0 = clock.instant();
        IssuedKey writer = issue("Writer", "kb:write");
        IssuedKey reader = issue("Reader", "kb:read");
        RotationPolicy stricter = RotationPolicy.builder().cadence(RiskClass.WRITE, Duration.ofDays(30)).build();
        KeyManager strict = track(node().rotationPolicy(stricter).build());

        assertThat(strict.rotationDue(t0.plus(Duration.ofDays(31))).entries()).as("the dates stored by the old policy").isEmpty();
        DueDateRecompute r = strict.rotation().recomputeDueDates(false);
        assertThat(r.examined()).isEqualTo(2);
        assertThat(r.updated()).as("the writer's date moved; the reader's is now the stricter policy's").isEqualTo(2);
        assertThat(r.policy()).isEqualTo(stricter.fingerprint());
        assertThat(stampOf(writer.id())).contains(new RotationStamp(t0.plus(Duration.ofDays(30)), stricter.fingerprint()));
        assertThat(stampOf(reader.id())).contains(new RotationStamp(t0.plus(Duration.ofDays(365)), stricter.fingerprint()));
        assertThat(strict.rotationDue(t0.plus(Duration.ofDays(31))).overdue()).extracting(d -> d.key().id()).containsExactly(writer.id());

        DueDateRecompute again = strict.rotation().recomputeDueDates(false);
        assertThat(again.examined()).as("nothing left to do").isZero();
        DueDateRecompute all = strict.rotation().recomputeDueDates(true);
        assertThat(all.examined()).isEqualTo(2);
        assertThat(all.updated()).isZero();
        assertThat(stricter.fingerprint()).isNotEqualTo(RotationPolicy.defaults().fingerprint())
                .isEqualTo(RotationPolicy.builder().cadence(RiskClass.WRITE, Duration.ofDays(30)).build().fingerprint());
    }

    @Test
    void whenKeysWereStoredWithoutADueDateThenTheyAreStampedBeforeTheFirstListing() {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 1_203; i++) { // more than two batches
            StoredKey s = StoreValues.stored(StoreValues.minimalKey(StoreValues.newId(), "legacy", "k" + i).toBuilder()
                    .scopes(java.util.Set.of("*")).build());
            store.insert(s, StoreValues.issued(s));
            ids.add(s.id());
        }
        assertThat(stampOf(ids.get(0))).isEmpty();
        KeyManager node = track(node().build());
        Instant created = StoreValues.T0;
        List<RotationDue> due = node.rotationDue(created.plus(Duration.ofDays(91))).entries();
        assertThat(due).hasSize(1_203);
        assertThat(stampOf(ids.get(1_202))).contains(new RotationStamp(created.plus(Duration.ofDays(90)),
                RotationPolicy.defaults().fingerprint()));
    }

    @Test
    void whenAnImportedKeyIsStoredThenItIsDueAtItsImport() {
        IssuedKey k = issue("x");
        assertThat(stampOf(k.id())).isPresent();
        KeyManager importer = track(node().additionalHashers(dev.keyvault.KeyHashers.unsaltedSha256()).build());
        dev.keyvault.ImportResult imported = importer.importKey(dev.keyvault.KeyImport.builder("legacy-1",
                KeySpec.builder("acme", "Imported").scopes("kb:read").build(), clock.instant().minus(Duration.ofDays(3)))
                .hash("sha256:" + "ab".repeat(32), "lookup-1").build());
        ApiKey key = imported.key().orElseThrow();
        assertThat(stampOf(key.id()).map(RotationStamp::dueAt)).contains(clock.instant());
        assertThat(keys.rotationDue(clock.instant()).due()).extracting(d -> d.key().id()).contains(key.id());
    }
}
