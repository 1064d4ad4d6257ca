package io.switchboard.testing.process;

import io.switchboard.testing.Eventually;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** A real {@code redis-server} (the OS binary) on a free loopback port, for cluster tests. */
public final class RedisServer implements RedisBackend {
    private final int port;
    private final Path dir;
    private final boolean appendOnly;
    private final String password;
    private final Path tlsDir;
    private final int tlsPort;
    private String fsync = "everysec";
    private List<String> extraArguments = List.of();
    private Process process;

    private RedisServer(int port, Path dir, boolean appendOnly, String password, Path tlsDir, int tlsPort) {
        this.port = port;
        this.dir = dir;
        this.appendOnly = appendOnly;
        this.password = password;
        this.tlsDir = tlsDir;
        this.tlsPort = tlsPort;
    }

    /** A server that keeps nothing on disk: a restart comes back empty. */
    public static RedisServer start(Path dir) throws IOException {
        return start(dir, false);
    }

    /**
     * A server with the persistence the docs recommend when {@code appendOnly}: AOF, fsync every second,
     * so a restart reloads what was written more than a second before. {@code dir} starts empty.
     */
    public static RedisServer start(Path dir, boolean appendOnly) throws IOException {
        return start(dir, appendOnly, null, null);
    }

    /**
     * The same, requiring {@code password} (null: none), and with {@code tlsDir} (null: no TLS; else it
     * holds {@code server.pem}, {@code server.key}, {@code ca.pem} as {@code nginx/make-cert.sh} makes them)
     * also listening with TLS on {@link #tlsUrl}.
     */
    public static RedisServer start(Path dir, boolean appendOnly, String password, Path tlsDir) throws IOException {
        RedisServer server = new RedisServer(freePort(), dir, appendOnly, password, tlsDir, tlsDir == null ? 0 : freePort());
        if (Files.exists(dir)) {
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).filter(p -> !p.equals(dir)).forEach(p -> p.toFile().delete());
            }
        }
        Files.createDirectories(dir);
        server.startProcess();
        return server;
    }

    /**
     * A password-protected, append-only server that fsyncs every write ({@code appendfsync always}): even
     * a SIGKILL loses nothing it acknowledged. {@code dir} starts empty.
     */
    public static RedisServer startDurable(Path dir, String password) throws IOException {
        RedisServer server = new RedisServer(freePort(), dir, true, password, null, 0);
        server.fsync = "always";
        Files.createDirectories(dir);
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).filter(p -> !p.equals(dir)).forEach(p -> p.toFile().delete());
        }
        server.startProcess();
        return server;
    }

    /**
     * A server of a Sentinel set, with the persistence the docs recommend for one (AOF, fsync every second):
     * password-protected, authenticating to its master with the same password (also once a failover made it
     * a replica), and a replica of {@code master} unless that is null. {@code dir} starts empty.
     */
    public static RedisServer startForSentinel(Path dir, String password, RedisServer master) throws IOException {
        RedisServer server = new RedisServer(freePort(), dir, true, password, null, 0);
        List<String> extra = new ArrayList<>(List.of("--masterauth", password));
        if (master != null) {
            extra.addAll(List.of("--replicaof", "127.0.0.1", String.valueOf(master.port)));
        }
        server.extraArguments = List.copyOf(extra);
        Files.createDirectories(dir);
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).filter(p -> !p.equals(dir)).forEach(p -> p.toFile().delete());
        }
        server.startProcess();
        return server;
    }

    /**
     * A server to become one shard of a Redis Cluster ({@code cluster-enabled}, its node file in {@code dir}),
     * password-protected, AOF with fsync every second. {@code dir} starts empty.
     */
    public static RedisServer startInCluster(Path dir, String password) throws IOException {
        RedisServer server = new RedisServer(freePort(), dir, true, password, null, 0);
        server.extraArguments = List.of("--cluster-enabled", "yes", "--cluster-config-file",
                dir.toAbsolutePath().resolve("nodes.conf").toString(), "--cluster-node-timeout", "2000", "--masterauth", password);
        Files.createDirectories(dir);
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).filter(p -> !p.equals(dir)).forEach(p -> p.toFile().delete());
        }
        server.startProcess();
        return server;
    }

    /** The loopback port it listens on. */
    public int port() {
        return port;
    }

    /** Kills the server with SIGKILL, as a crash would, and waits for it to exit. */
    public void kill() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** The password the server was started with (null: none). */
    public String password() {
        return password;
    }

    /** The plain-TCP URL, with the password if there is one. */
    /** {@code switchboard.redis.url}: this server, with its password. */
    @Override
    public Map<String, String> nodeSettings() {
        return Map.of("SWITCHBOARD_REDIS_URL", url());
    }

    public String url() {
        return "redis://" + (password == null ? "" : ":" + password + "@") + "127.0.0.1:" + port;
    }

    /** The TLS URL (host name {@code localhost}, as in the certificate), with the password if there is one. */
    public String tlsUrl() {
        return "rediss://" + (password == null ? "" : ":" + password + "@") + "localhost:" + tlsPort;
    }

    /** Stops the server (SIGTERM, no save) and waits for it to exit. */
    public void stop() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    /** Starts again on the same port (empty unless it was started append-only). */
    public void restart() throws IOException {
        startProcess();
    }

    /**
     * Keeps the server busy for {@code millis} (a Lua busy loop: every client waits, as behind a slow
     * command), from another thread; returns once the stall has begun (after 100 ms), with its end.
     */
    public java.util.concurrent.CompletableFuture<Void> stall(long millis) throws InterruptedException {
        String busy = "local t = redis.call('TIME') local s = t[1] * 1000 + t[2] / 1000 "
                + "repeat t = redis.call('TIME') until t[1] * 1000 + t[2] / 1000 - s >= " + millis + " return 1";
        java.util.concurrent.CompletableFuture<Void> stalled = java.util.concurrent.CompletableFuture.runAsync(() -> {
            try {
                command("EVAL \"" + busy + "\" 0");
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        Thread.sleep(100);
        return stalled;
    }

    /** Sends one command (inline protocol) and returns the raw reply. */
    public String command(String command) throws IOException {
        return commandAs(password, command);
    }

    /** The same, authenticating with {@code password} (null: none), e.g. after {@code CONFIG SET requirepass}. */
    public String commandAs(String password, String command) throws IOException {
        return commandAt(port, password, command);
    }

    /**
     * Sends one command (inline protocol) to whatever Redis (or sentinel) listens on the loopback {@code port},
     * authenticating with {@code password} (null: none); returns the raw reply as read in one go (up to 4 KiB).
     */
    public static String commandAt(int port, String password, String command) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(5000);
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            if (password != null) {
                out.write(("AUTH " + password + "\r\n").getBytes(StandardCharsets.UTF_8));
                out.flush();
                String auth = readLine(in);
                if (!auth.startsWith("+OK")) {
                    throw new IOException("AUTH refused: " + auth);
                }
            }
            out.write((command + "\r\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            byte[] buffer = new byte[4096];
            int read = in.read(buffer);
            return read <= 0 ? "" : new String(buffer, 0, read, StandardCharsets.UTF_8);
        }
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int b = in.read(); b >= 0 && b != '\n'; b = in.read()) {
            line.append((char) b);
        }
        return line.toString();
    }

    private void startProcess() throws IOException {
        List<String> command = new ArrayList<>(List.of("redis-server", "--port", String.valueOf(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", appendOnly ? "yes" : "no", "--appendfsync", fsync,
                "--dir", dir.toAbsolutePath().toString()));
        if (password != null) {
            command.addAll(List.of("--requirepass", password));
        }
        command.addAll(extraArguments);
        if (tlsDir != null) {
            command.addAll(List.of("--tls-port", String.valueOf(tlsPort), "--tls-auth-clients", "no",
                    "--tls-cert-file", tlsDir.resolve("server.pem").toAbsolutePath().toString(),
                    "--tls-key-file", tlsDir.resolve("server.key").toAbsolutePath().toString(),
                    "--tls-ca-cert-file", tlsDir.resolve("ca.pem").toAbsolutePath().toString()));
        }
        process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(new File(dir.toFile(), "redis.log")))
                .start();
        Eventually.within(Duration.ofSeconds(10), "redis-server answers PING", () -> {
            try {
                return command("PING").startsWith("+PONG");
            } catch (IOException notYet) {
                return false;
            }
        });
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }

    public static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
