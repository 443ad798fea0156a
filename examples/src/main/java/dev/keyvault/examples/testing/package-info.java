/** A small host service and (in the tests) the pattern for unit-testing it with keyvault. */
package dev.keyvault.examples.testing;
