/**
 * Micrometer metrics for keyvault: {@link dev.keyvault.micrometer.KeyvaultMetrics}, a
 * {@code MeterBinder} for a {@link dev.keyvault.KeyManager}, and
 * {@link dev.keyvault.micrometer.MeteredKeyStore}, the store wrapper that lets it tell hot
 * verifications from cold ones. No Spring here: any Micrometer registry works.
 *
 * <p>Nothing here accepts or returns {@code null}; absent values are {@link java.util.Optional}.
 * Tags are low-cardinality by construction: results, reasons, urgencies and the key prefix —
 * never a key id, an owner or a client address.
 */
package dev.keyvault.micrometer;
