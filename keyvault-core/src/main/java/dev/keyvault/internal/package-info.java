/**
 * Implementation details of keyvault-core. Public only so that other keyvault modules can use
 * them; not API, may change in any release, and left out of the javadoc.
 */
package dev.keyvault.internal;
