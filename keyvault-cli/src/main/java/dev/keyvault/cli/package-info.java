/**
 * The keyvault operator CLI: the rotation playbook, audits, compliance and automated rotation as
 * commands over the application's own H2 or PostgreSQL store, for people and for cron.
 *
 * <p>The one entry point is {@link dev.keyvault.cli.KeyvaultCli}; everything else is in
 * {@code dev.keyvault.cli.internal} and not API. Nothing here accepts or returns {@code null}.
 */
package dev.keyvault.cli;
