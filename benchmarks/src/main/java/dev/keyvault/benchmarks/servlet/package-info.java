/**
 * Benchmarks of {@code keyvault-servlet}: the filter's cost on real HTTP, measured against the same
 * application without the filter in the same run.
 */
package dev.keyvault.benchmarks.servlet;
