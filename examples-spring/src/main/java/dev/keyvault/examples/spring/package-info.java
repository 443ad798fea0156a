/**
 * A Spring Boot application whose API is protected by keyvault: the starter, a few
 * {@code keyvault.*} properties and one {@code SecurityFilterChain}. {@link
 * dev.keyvault.examples.spring.KbApiApplication} is the whole of it; its test runs it.
 */
package dev.keyvault.examples.spring;
