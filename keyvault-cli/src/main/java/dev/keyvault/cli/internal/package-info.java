/**
 * The CLI's commands and the plumbing under them (connection, output, time, secrets). Not API: the
 * command line, its exit codes and its JSON shapes are the contract, documented in the README.
 * Nothing here accepts or returns {@code null} across classes; absent values are {@link java.util.Optional}.
 */
package dev.keyvault.cli.internal;
