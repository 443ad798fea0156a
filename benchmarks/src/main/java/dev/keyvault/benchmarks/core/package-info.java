/** Benchmarks of keyvault-core's hot paths, each with its floor. */
package dev.keyvault.benchmarks.core;
