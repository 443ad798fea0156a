/** Implementation of the secret-scanning endpoint; not API, never imported from another module. */
package dev.keyvault.scanning.internal;
