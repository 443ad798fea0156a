/**
 * JMH benchmarks of keyvault's hot paths. Every benchmark runs beside its floor — the bare
 * operation it cannot beat — in the same run, and {@link dev.keyvault.benchmarks.RunAll} reports
 * each as a ratio against its goal (see {@link dev.keyvault.benchmarks.Goals}).
 */
package dev.keyvault.benchmarks;
