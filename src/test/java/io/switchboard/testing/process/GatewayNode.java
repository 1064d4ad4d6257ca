package io.switchboard.testing.process;

import io.switchboard.testing.TestTokens;
import io.switchboard.testing.client.ApiClient;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real Switchboard node: {@code payara/launch.sh} (or {@code src/wildfly/launch.sh}) with the built WAR
 * on a free loopback port, as an operator runs it. The process is the node's JVM itself (the scripts exec
 * java), so {@link #kill} is a true SIGKILL.
 */
public final class GatewayNode implements AutoCloseable {
    /** The server a node runs on: the same WAR, each server's own launcher. */
    public enum Runtime {
        PAYARA("switchboard.launcher", "payara/launch.sh"),
        WILDFLY("switchboard.wildflyLauncher", "src/wildfly/launch.sh");

        private final String property;
        private final String fallback;

        Runtime(String property, String fallback) {
            this.property = property;
            this.fallback = fallback;
        }

        String launcher() {
            return System.getProperty(property, fallback);
        }
    }

    private final Process process;
    private final URI base;
    private final Path log;

    private GatewayNode(Process process, URI base, Path log) {
        this.process = process;
        this.base = base;
        this.log = log;
    }

    /** Starts a node on Payara Micro; {@code env} holds MicroProfile Config settings as environment variables. */
    public static GatewayNode start(Path workdir, boolean dev, Map<String, String> env) throws IOException {
        return start(Runtime.PAYARA, workdir, dev, env);
    }

    /** Starts a node on the given server; {@code env} holds MicroProfile Config settings as environment variables. */
    public static GatewayNode start(Runtime runtime, Path workdir, boolean dev, Map<String, String> env) throws IOException {
        int port = RedisServer.freePort();
        Files.createDirectories(workdir);
        List<String> command = new ArrayList<>(List.of("bash", runtime.launcher(),
                "--port", String.valueOf(port),
                "--war", System.getProperty("switchboard.war", "target/switchboard.war"),
                "--bind", "127.0.0.1",
                "--workdir", workdir.toAbsolutePath().toString()));
        if (runtime == Runtime.WILDFLY) {
            command.addAll(List.of("--management-port", String.valueOf(RedisServer.freePort())));
        }
        if (dev) {
            command.add("--dev");
        }
        Path log = workdir.resolve("console.log");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().put("JAVA_OPTS", "-Xmx256m");
        builder.environment().putAll(env);
        String wildflyHome = System.getProperty("wildfly.home");
        if (runtime == Runtime.WILDFLY && wildflyHome != null) {
            builder.environment().put("WILDFLY_HOME", wildflyHome);
        }
        return new GatewayNode(builder.start(), URI.create("http://127.0.0.1:" + port + "/"), log);
    }

    /**
     * A Payara node with id {@code nodeId} on a Redis set-up a test started, with more {@code settings}
     * (environment variables, over the test defaults and the Redis ones), started and answering; stopped
     * again if it does not answer.
     */
    public static GatewayNode startOn(RedisBackend redis, Path workdir, String nodeId, Map<String, String> settings)
            throws IOException, InterruptedException {
        Map<String, String> env = new java.util.HashMap<>(testEnvironment(nodeId));
        env.putAll(redis.nodeSettings());
        env.putAll(settings);
        GatewayNode node = start(workdir, false, env);
        try {
            return node.awaitReady();
        } catch (InterruptedException | RuntimeException | AssertionError e) {
            node.close(); // the caller never gets it to stop
            throw e;
        }
    }

    /**
     * Environment for a node that trusts the test keys, with 1 s heartbeats (2 s to answer a ping), the test API key, open rooms,
     * and abuse limits far above what the tests do from one address (HostileClientsE2E tests the limits).
     */
    public static Map<String, String> testEnvironment(String nodeId) {
        String keys = System.getProperty("switchboard.testKeys", "src/test/resources/test-keys");
        return Map.ofEntries(
                Map.entry("MP_JWT_VERIFY_PUBLICKEY_LOCATION", "file:" + Path.of(keys, "public.pem").toAbsolutePath()),
                Map.entry("MP_JWT_VERIFY_ISSUER", TestTokens.ISSUER),
                Map.entry("SWITCHBOARD_NODE_ID", nodeId),
                Map.entry("SWITCHBOARD_HEARTBEAT_INTERVAL_MS", "1000"),
                Map.entry("SWITCHBOARD_HEARTBEAT_TIMEOUT_MS", "2000"),
                Map.entry("SWITCHBOARD_API_KEY", ApiClient.API_KEY),
                Map.entry("SWITCHBOARD_ROOMS_DEFAULT_JOIN", "open"),
                Map.entry("SWITCHBOARD_ROOMS_DEFAULT_PUBLISH", "open"),
                Map.entry("SWITCHBOARD_STATS_LOG_INTERVAL_MS", "0"),
                Map.entry("SWITCHBOARD_LIMITS_HANDSHAKES_PER_SECOND_PER_IP", "1000"),
                Map.entry("SWITCHBOARD_LIMITS_HANDSHAKES_BURST_PER_IP", "1000"),
                Map.entry("SWITCHBOARD_LIMITS_COMMANDS_PER_SECOND", "10000"),
                Map.entry("SWITCHBOARD_LIMITS_COMMANDS_BURST", "20000"),
                Map.entry("SWITCHBOARD_LIMITS_API_REQUESTS_PER_SECOND", "10000"),
                Map.entry("SWITCHBOARD_LIMITS_API_BURST", "20000"));
    }

    /** Waits until the application answers (deployed at /), failing early if the process died. */
    public GatewayNode awaitReady() throws InterruptedException {
        ApiClient api = new ApiClient(base);
        long deadline = System.nanoTime() + Duration.ofSeconds(180).toNanos();
        long notFoundSince = 0;
        while (true) {
            if (!process.isAlive()) {
                throw new AssertionError("node exited during start-up; see " + log);
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("node not ready within 180 s; see " + log);
            }
            try {
                int status = api.get("api/stats").status();
                if (status == 401) {
                    return this;
                }
                // Payara answers 404 while the WAR deploys (over 30 s for Payara Micro 7 on a loaded 2-core machine),
                // and for good when its deployment failed
                notFoundSince = status != 404 ? 0 : notFoundSince == 0 ? System.nanoTime() : notFoundSince;
                if (notFoundSince != 0 && System.nanoTime() - notFoundSince > Duration.ofSeconds(90).toNanos()) {
                    throw new IllegalStateException("the WAR did not deploy (404 for 90 s); see " + log);
                }
            } catch (AssertionError notYetListening) {
                // connection refused while Payara boots
            }
            Thread.sleep(300);
        }
    }

    public URI base() {
        return base;
    }

    public ApiClient api() {
        return new ApiClient(base);
    }

    public String log() throws IOException {
        return Files.readString(log);
    }

    /**
     * Writes the node's thread dump ({@code jcmd Thread.print}, from the JDK running the tests) to {@code file},
     * for a failing test's report. Never throws: a missing jcmd must not hide the failure being reported.
     */
    public void dumpThreads(Path file) throws InterruptedException {
        if (process.isAlive()) {
            String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
            try {
                new ProcessBuilder(jcmd, String.valueOf(process.pid()), "Thread.print").redirectErrorStream(true)
                        .redirectOutput(file.toFile()).start().waitFor(30, TimeUnit.SECONDS);
            } catch (IOException e) {
                System.err.println("No thread dump of " + base + ": " + e);
            }
        }
    }

    /** SIGTERM, as an orchestrator stops a node; returns at once (the node drains, then exits). */
    public void terminate() {
        process.destroy();
    }

    /** Waits for the process to end; true if it did within the timeout. */
    public boolean awaitExit(Duration timeout) throws InterruptedException {
        return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** SIGKILL: no shutdown hooks, no goodbye to Redis. */
    public void kill() throws InterruptedException {
        process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }
}
