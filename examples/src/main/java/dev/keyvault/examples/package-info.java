/**
 * Runnable examples, one per kind of keyvault user. Each is a {@code main} with a test that runs
 * it, so none can rot. {@link dev.keyvault.examples.Walkthrough} is the README's "run it" command.
 */
package dev.keyvault.examples;
