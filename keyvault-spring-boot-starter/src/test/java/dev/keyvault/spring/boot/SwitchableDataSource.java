package dev.keyvault.spring.boot;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import javax.sql.DataSource;
import org.springframework.jdbc.datasource.DelegatingDataSource;

/** A real data source that a test can take down and bring back: connections fail while it is down. */
final class SwitchableDataSource extends DelegatingDataSource {
    private volatile boolean down;

    SwitchableDataSource(DataSource target) {
        super(target);
    }

    void down(boolean down) {
        this.down = down;
    }

    @Override
    public Connection getConnection() throws SQLException {
        if (down) {
            throw new SQLTransientConnectionException("the database is down (test)", "08001");
        }
        return super.getConnection();
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        if (down) {
            throw new SQLTransientConnectionException("the database is down (test)", "08001");
        }
        return super.getConnection(username, password);
    }
}
