package dev.keyvault.contract;

import dev.keyvault.spi.KeyStore;

/**
 * How a backend gives the contract suites their store: a fresh, empty one before each test, released
 * after it. Every suite takes one — {@link KeyStoreContract}, {@link KeyManagerContract} and the
 * rotation suites — so a backend's test is one class that implements this interface and holds each
 * suite as a {@code @Nested} inner class:
 *
 * <pre>{@code
 * class MyStoreTest implements StoreHarness {
 *     private Database db;
 *
 *     public KeyStore open() { db = Database.fresh(); return MyStore.on(db); }
 *     public void release(KeyStore store) { db.drop(); }
 *
 *     @Nested class Store extends KeyStoreContract { Store() { super(MyStoreTest.this); } }
 *     @Nested class Manager extends KeyManagerContract { Manager() { super(MyStoreTest.this); } }
 * }
 * }</pre>
 *
 * JUnit makes a new instance of the outer class for every test of a nested class, so what
 * {@link #open()} keeps in a field belongs to that one test.
 */
public interface StoreHarness {

    /** A fresh, empty store. Called before every test; the managers of one test share it like nodes share a database. */
    KeyStore open();

    /** Releases what {@link #open()} made (a pool, a database); called after every test with its store. Default: nothing. */
    default void release(KeyStore store) throws Exception {}

    /**
     * Whether {@link KeyStore#subscribe} calls its listener after changes (a push store, such as
     * PostgreSQL with LISTEN/NOTIFY). Default: {@code false}: the subscription test then checks only
     * that subscribing is harmless and the feed carries the changes.
     */
    default boolean supportsSubscriptions() {
        return false;
    }

    /**
     * Whether the store refuses a string that is not a key id with an {@link IllegalArgumentException}
     * instead of answering that no such key exists. Core checks key ids before it calls a store, so a
     * store need not check them again; one that does is declared here, and the hostile-id test then
     * expects the refusal. Default: {@code false}.
     */
    default boolean refusesMalformedKeyIds() {
        return false;
    }
}
