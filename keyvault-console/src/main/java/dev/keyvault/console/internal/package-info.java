/**
 * The console's machinery: routing, the JSON views, CSRF tokens, the static assets, security
 * headers. Not API: never imported from another module, left out of the javadoc.
 */
package dev.keyvault.console.internal;
