/**
 * The pure computations behind keyvault's rotation workflows: rotation status from usage rollups,
 * usage audits, compliance findings, and the text rules for history entries. Public only so that
 * other keyvault modules can use them; not API, may change in any release, and left out of the
 * javadoc. Nothing here accepts or returns {@code null}.
 */
package dev.keyvault.internal.rotation;
