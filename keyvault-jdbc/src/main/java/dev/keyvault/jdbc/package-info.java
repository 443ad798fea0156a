/**
 * A {@link dev.keyvault.spi.KeyStore} on JDBI for H2 and PostgreSQL: {@link dev.keyvault.jdbc.JdbiKeyStore},
 * configured by a {@link dev.keyvault.jdbc.JdbiKeyStoreBuilder}.
 *
 * <pre>{@code
 * JdbiKeyStore store = JdbiKeyStore.builder(dataSource).build();
 * store.migrate();                      // opt-in; or let Flyway run the scripts, see below
 * KeyManager keys = KeyManager.builder().store(store).build();
 * }</pre>
 *
 * JDBC drivers are not dependencies of this module: the host brings H2's or PostgreSQL's, and the
 * connection pool. The store borrows a connection per operation and holds none between them, so it
 * needs no closing; the host closes its pool after its managers.
 *
 * <h2>Schema</h2>
 * Nine tables whose names start with the {@linkplain dev.keyvault.jdbc.JdbiKeyStoreBuilder#tablePrefix
 * table prefix} (default {@code keyvault_}), in the connection's current schema: {@code keys},
 * {@code key_tags}, {@code key_metadata}, {@code credits} (one usage-credit balance per rotation
 * chain), {@code history} (permanent), {@code changes} (the change feed, pruned by retention),
 * {@code feed_state}, {@code usage} (per-minute rollups) and {@code schema_version}; version 3 added
 * the key policies, the stored rotation due date with its index {@code keys_rotation_due}, and the
 * columns the usage retention needs. Databases of versions 1 and 2 are upgraded in place. The
 * versioned scripts are on the classpath at {@link dev.keyvault.jdbc.Dialect#schemaLocation()}
 * ({@code dev/keyvault/jdbc/schema/<dialect>/}), named as Flyway expects ({@code V1__keyvault.sql},
 * …). Either call {@link dev.keyvault.jdbc.JdbiKeyStore#migrate()}, or run them with Flyway: add the
 * location and set the placeholder {@code keyvault_prefix} to the table prefix, for example
 * {@code Flyway.configure().locations("classpath:dev/keyvault/jdbc/schema/postgresql")
 * .placeholders(Map.of("keyvault_prefix", "keyvault_"))} or, in Spring Boot,
 * {@code spring.flyway.placeholders.keyvault_prefix=keyvault_}. The scripts record their version
 * in {@code schema_version} either way.
 *
 * <h2>Guarantees</h2>
 * <ul>
 *   <li>Every state change writes its history rows and change-feed rows in its own transaction.
 *       Feed sequences come from one counter row that each writing transaction increments and keeps
 *       locked until it commits, so they become visible in commit order, without gaps.</li>
 *   <li>Uniqueness of an owner's active key names is enforced by the database (a partial unique index
 *       on PostgreSQL; on H2 a unique index over a generated column that is NULL unless active).</li>
 *   <li>{@link dev.keyvault.jdbc.JdbiKeyStore#applyUsage} writes a batch in two statements (one per
 *       table), whatever its size up to 10,000 rollups: rows travel as arrays ({@code unnest});
 *       {@code last_used_at} only moves forward and counts add. Rows are locked in the same order on
 *       every node, so concurrent flushes do not deadlock.</li>
 *   <li>An in-place change ({@link dev.keyvault.jdbc.JdbiKeyStore#update}) is one conditional
 *       {@code UPDATE} on the key's revision, with its metadata rows, credit balance and history in
 *       the same transaction; a credit lease is one conditional {@code UPDATE} of the balance row
 *       (generation and balance as read), never a lock held across requests.</li>
 *   <li>The keys due for rotation are read by a range scan of {@code keys_rotation_due}
 *       ({@code rotation_due_at_ms, id}), after a keyset cursor; usage retention deletes and
 *       truncates in bounded batches, each its own short transaction.</li>
 *   <li>Driver failures become {@link dev.keyvault.KeyStoreException} naming the operation and the
 *       SQLState; the driver's message (which can echo row values) is only in the cause. Transactions
 *       the database rolled back for a deadlock or serialization failure are retried twice.</li>
 *   <li>Key ids are bound as parameters, never spliced into SQL; a string that is not a key id finds
 *       no key. The table prefix is the only text spliced into SQL, and only after its check.</li>
 *   <li>On PostgreSQL with pgjdbc, {@link dev.keyvault.jdbc.JdbiKeyStore#subscribe} uses LISTEN/NOTIFY
 *       to wake change-feed followers at once; it holds one connection and one daemon thread while
 *       anyone is subscribed (see {@link dev.keyvault.jdbc.JdbiKeyStoreBuilder#notifications}). The
 *       bound between a revocation on one node and its rejection on the others is the managers'
 *       {@code changeFeedPollInterval} (default 1 s); with notifications it is usually milliseconds.
 *       Nodes that were down catch up from their last sequence; feed entries are kept for the
 *       managers' {@code changeRetention} (default 7 days) and the history forever.</li>
 * </ul>
 * Times are stored as epoch milliseconds. The store expects the databases' default isolation, READ
 * COMMITTED. A call made inside a JDBI transaction the host already has open on the same thread (same
 * {@code Jdbi}) joins it.
 *
 * <h2>H2</h2>
 * Acknowledged issues and revocations must survive a killed process, so
 * {@link dev.keyvault.jdbc.JdbiKeyStoreBuilder#build()} makes H2 write each commit at once
 * ({@code WRITE_DELAY 0}; see there). H2 also closes a database when its last connection closes;
 * give the store a connection pool (H2's own {@code org.h2.jdbcx.JdbcConnectionPool} will do for an
 * embedded database) or add {@code ;DB_CLOSE_DELAY=-1} to the URL, so it is not reopened for every
 * statement. Several processes share one H2 database only through H2's server mode
 * ({@code jdbc:h2:tcp://…}); the change feed then works as on PostgreSQL, by polling.
 *
 * <p>Nothing here accepts or returns {@code null}.
 */
package dev.keyvault.jdbc;
