/**
 * Helpers for testing applications that use keyvault: {@link dev.keyvault.testing.MutableClock}
 * moves time forward without sleeping. Nothing here accepts or returns {@code null}.
 */
package dev.keyvault.testing;
