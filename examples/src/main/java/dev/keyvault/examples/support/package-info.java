/** What the examples share: a small API on embedded Jetty, an HTTP client, table printing. */
package dev.keyvault.examples.support;
