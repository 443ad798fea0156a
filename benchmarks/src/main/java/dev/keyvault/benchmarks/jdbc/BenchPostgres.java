package dev.keyvault.benchmarks.jdbc;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcConnectionPool;
import org.postgresql.ds.PGConnectionPoolDataSource;

/**
 * An embedded PostgreSQL for one benchmark, with a small connection pool (H2's generic pool over
 * pgjdbc's pooled data source: nothing to add to the classpath). {@code synchronous_commit=off}: the
 * write measurement compares statement counts, and 1,000,000 synchronous commits would measure the
 * disk. Not thread-safe to start; the pool is.
 */
public final class BenchPostgres implements AutoCloseable {
    private final EmbeddedPostgres server;
    private final JdbcConnectionPool pool;

    private BenchPostgres(EmbeddedPostgres server, JdbcConnectionPool pool) {
        this.server = server;
        this.pool = pool;
    }

    public static BenchPostgres start() {
        try {
            EmbeddedPostgres server = EmbeddedPostgres.builder().setServerConfig("synchronous_commit", "off").start();
            PGConnectionPoolDataSource ds = new PGConnectionPoolDataSource();
            ds.setURL(server.getJdbcUrl("postgres", "postgres"));
            JdbcConnectionPool pool = JdbcConnectionPool.create(ds);
            pool.setMaxConnections(8);
            return new BenchPostgres(server, pool);
        } catch (IOException e) {
            throw new UncheckedIOException("could not start the embedded PostgreSQL", e);
        }
    }

    public DataSource dataSource() {
        return pool;
    }

    @Override
    public void close() {
        pool.dispose();
        try {
            server.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
