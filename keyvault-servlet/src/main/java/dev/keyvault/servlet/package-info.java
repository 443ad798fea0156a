/**
 * An API-key filter for Jakarta Servlet 6 applications. Nothing here accepts or returns {@code null}.
 */
package dev.keyvault.servlet;
