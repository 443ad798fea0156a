/** Benchmarks of the console's API: the first page of a large owner and of the operator list, on PostgreSQL. */
package dev.keyvault.benchmarks.console;
