package dev.keyvault.benchmarks.servlet;

import dev.keyvault.KeyManager;
import dev.keyvault.KeySpec;
import dev.keyvault.memory.InMemoryKeyStore;
import dev.keyvault.servlet.ApiKeyFilter;
import dev.keyvault.servlet.ApiKeyFilterConfig;
import dev.keyvault.servlet.Rule;
import dev.keyvault.servlet.Tier;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.EnumSet;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;

/**
 * Requests per second of a trivial servlet on embedded Jetty 12 over loopback, behind the
 * {@link ApiKeyFilter} with a valid, cached key ({@link #withFilter}) and on an identical server
 * without the filter ({@link #withoutFilter}, the floor). Both servers run in the same JVM and get
 * the very same request bytes, {@code Authorization} header included, so the only difference is the
 * filter: credential parsing, the cached verify (SHA-256 + constant-time compare), the route match,
 * a bucket4j token from the key's tier, the request wrapper, the {@code RateLimit-Policy} and
 * {@code RateLimit} fields and usage recording.
 *
 * <p>The client is a minimal HTTP/1.1 keep-alive client on a raw socket, one persistent connection
 * per JMH thread: a heavyweight client would hide the filter's cost in its own. Every response is
 * checked to be a 200, so a misconfiguration cannot pass off fast 401s as throughput.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(4)
public class FilterThroughputBenchmark {
    private static final String PATH = "/articles/42";
    private static final int WARM_UP_THREADS = 4;
    /** Long enough for C2 to finish with Jetty's and the filter's hot paths on two busy cores. */
    private static final long WARM_UP_NANOS = TimeUnit.SECONDS.toNanos(25);

    Server filtered;
    Server bare;
    /** The same servlet behind a filter that only calls the chain: what any filter costs in Jetty. */
    Server passThrough;
    KeyManager keys;
    byte[] request;

    @Setup(Level.Trial)
    public void start() throws Exception {
        keys = KeyManager.builder().store(InMemoryKeyStore.create()).build(); // default Argon2id: cached after the first verify
        String token = keys.issue(KeySpec.builder("bench", "bench key").scopes("kb:read").build()).token();
        ApiKeyFilterConfig config = ApiKeyFilterConfig.builder()
                .rule(Rule.permitAll("GET", "/health"))
                .rule(Rule.requireScopes("GET", "/articles/**", "kb:read"))
                .rule(Rule.requireScopes("POST", "/articles/**", "kb:write"))
                // a tier consulted on every request that never runs dry at loopback speed (~25k/s here)
                .tier(Tier.of("default", 100_000, Duration.ofSeconds(1), 100_000))
                .build();
        filtered = server(new ApiKeyFilter(keys, config));
        bare = server(null);
        passThrough = server(new PassThrough());
        request = ("GET " + PATH + " HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: keyvault-bench/1.0\r\n"
                + "Authorization: Bearer " + token + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        warmUp();
    }

    /**
     * Runs both servers hot, at the same time, before JMH's own warm-up: on two shared cores the
     * JIT takes longer than a few warm-up iterations, and a ratio of a cold run to a hot one would
     * measure the JIT, not the filter. Each fork measures one of the two, so each warms both alike.
     */
    private void warmUp() throws Exception {
        Server[] servers = {filtered, bare, passThrough};
        Thread[] threads = new Thread[servers.length * WARM_UP_THREADS];
        Exception[] failure = new Exception[1];
        long until = System.nanoTime() + WARM_UP_NANOS;
        for (int i = 0; i < threads.length; i++) {
            int port = port(servers[i % servers.length]);
            threads[i] = new Thread(() -> {
                Connection c = new Connection() {};
                try {
                    c.open(port, request);
                    while (System.nanoTime() < until) {
                        c.exchange();
                    }
                    c.close();
                } catch (Exception e) {
                    failure[0] = e;
                }
            });
            threads[i].start();
        }
        for (Thread t : threads) {
            t.join();
        }
        if (failure[0] != null) {
            throw failure[0];
        }
    }

    private static Server server(Filter filter) throws Exception {
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler("/");
        context.addServlet(new ServletHolder(new Hello()), "/*");
        if (filter != null) {
            context.addFilter(new FilterHolder(filter), "/*", EnumSet.allOf(DispatcherType.class));
        }
        server.setHandler(context);
        server.start();
        return server;
    }

    /** {@code threads} keep-alive clients loading {@code server} for {@code nanos}; the requests they completed. */
    static long load(Server server, byte[] request, int threads, long nanos) throws Exception {
        int port = port(server);
        long until = System.nanoTime() + nanos;
        long[] counts = new long[threads];
        Exception[] failure = new Exception[1];
        Thread[] clients = new Thread[threads];
        for (int t = 0; t < threads; t++) {
            int index = t;
            clients[t] = new Thread(() -> {
                Connection c = new Connection() {};
                try {
                    c.open(port, request);
                    while (System.nanoTime() < until) {
                        c.exchange();
                        counts[index]++;
                    }
                    c.close();
                } catch (Exception e) {
                    failure[0] = e;
                }
            });
            clients[t].start();
        }
        long sum = 0;
        for (int t = 0; t < threads; t++) {
            clients[t].join();
            sum += counts[t];
        }
        if (failure[0] != null) {
            throw failure[0];
        }
        return sum;
    }

    static int port(Server server) {
        return ((ServerConnector) server.getConnectors()[0]).getLocalPort();
    }

    @TearDown(Level.Trial)
    public void stop() throws Exception {
        filtered.stop();
        bare.stop();
        passThrough.stop();
        keys.close();
    }

    /** A filter that does nothing but pass the request on. */
    static final class PassThrough implements Filter {
        @Override
        public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
                throws IOException, ServletException {
            chain.doFilter(request, response);
        }
    }

    /** The servlet: as little work as an endpoint can do. */
    static final class Hello extends HttpServlet {
        private static final long serialVersionUID = 1L;
        private static final byte[] OK = "ok".getBytes(StandardCharsets.US_ASCII);

        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            resp.setContentType("text/plain");
            resp.setContentLength(OK.length);
            resp.getOutputStream().write(OK);
        }
    }

    /** One persistent connection per benchmark thread to the server with the filter. */
    @State(Scope.Thread)
    public static class FilteredConnection extends Connection {
        @Setup(Level.Trial)
        public void open(FilterThroughputBenchmark b) throws IOException {
            open(port(b.filtered), b.request);
        }
    }

    /** One persistent connection per benchmark thread to the server without it. */
    @State(Scope.Thread)
    public static class BareConnection extends Connection {
        @Setup(Level.Trial)
        public void open(FilterThroughputBenchmark b) throws IOException {
            open(port(b.bare), b.request);
        }
    }

    @Benchmark
    public int withFilter(FilteredConnection connection) throws IOException {
        return connection.exchange();
    }

    @Benchmark
    public int withoutFilter(BareConnection connection) throws IOException {
        return connection.exchange();
    }

    /**
     * A keep-alive HTTP/1.1 exchange on a raw socket: write the request, read one response by
     * {@code Content-Length}. It parses in its own buffer, without per-byte locking, so the client
     * costs as little as possible and the servers' difference shows.
     */
    public abstract static class Connection {
        private static final byte[] CONTENT_LENGTH = "content-length:".getBytes(StandardCharsets.US_ASCII);
        private Socket socket;
        private OutputStream out;
        private InputStream in;
        private byte[] request;
        private final byte[] buf = new byte[16 * 1024];
        private int start;
        private int end;

        void open(int port, byte[] request) throws IOException {
            this.socket = new Socket(InetAddress.getLoopbackAddress(), port);
            socket.setTcpNoDelay(true);
            this.out = socket.getOutputStream();
            this.in = socket.getInputStream();
            this.request = request;
        }

        @TearDown(Level.Trial)
        public void close() throws IOException {
            socket.close();
        }

        /** Sends the request and consumes the response; returns its body length. */
        int exchange() throws IOException {
            out.write(request);
            out.flush();
            int headEnd;
            while ((headEnd = find(start)) < 0) {
                fill();
            }
            // "HTTP/1.1 200 "
            if (end - start < 12 || buf[start + 9] != '2' || buf[start + 10] != '0' || buf[start + 11] != '0') {
                throw new IllegalStateException("expected 200, got: " + new String(buf, start, Math.min(40, end - start),
                        StandardCharsets.ISO_8859_1));
            }
            int length = contentLength(start, headEnd);
            start = headEnd + 4;
            while (end - start < length) {
                fill();
            }
            start += length;
            return length;
        }

        /** The index of the CRLFCRLF ending the head that starts at {@code from}, or -1. */
        private int find(int from) {
            for (int i = from; i + 3 < end; i++) {
                if (buf[i] == '\r' && buf[i + 1] == '\n' && buf[i + 2] == '\r' && buf[i + 3] == '\n') {
                    return i;
                }
            }
            return -1;
        }

        private int contentLength(int from, int to) {
            for (int i = from; i < to; i++) {
                if (buf[i] == '\n' && matches(i + 1)) {
                    int j = i + 1 + CONTENT_LENGTH.length;
                    while (buf[j] == ' ') {
                        j++;
                    }
                    int n = 0;
                    while (buf[j] >= '0' && buf[j] <= '9') {
                        n = n * 10 + (buf[j++] - '0');
                    }
                    return n;
                }
            }
            throw new IllegalStateException("no Content-Length");
        }

        private boolean matches(int at) {
            for (int k = 0; k < CONTENT_LENGTH.length; k++) {
                byte b = buf[at + k];
                if ((b >= 'A' && b <= 'Z' ? b + 32 : b) != CONTENT_LENGTH[k]) {
                    return false;
                }
            }
            return true;
        }

        private void fill() throws IOException {
            if (start > 0) {
                System.arraycopy(buf, start, buf, 0, end - start);
                end -= start;
                start = 0;
            }
            int n = in.read(buf, end, buf.length - end);
            if (n < 0) {
                throw new IOException("connection closed");
            }
            end += n;
        }
    }
}
