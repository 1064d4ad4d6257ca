package io.switchboard.testing.process;

import io.switchboard.testing.Eventually;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * The one cluster fixture of the end-to-end tests: a real Redis set-up (one server, a Sentinel set or a
 * Redis Cluster) and two real nodes (Payara Micro or WildFly with the built WAR) on it, both ready (relay
 * up) when {@link #start} returns; {@link #close} stops whatever of them started, even after a failed start.
 */
public final class TwoNodeCluster<R extends RedisBackend> implements AutoCloseable {
    public final R redis;
    private GatewayNode nodeA;
    private GatewayNode nodeB;

    private TwoNodeCluster(R redis) {
        this.redis = redis;
    }

    /**
     * Starts one password-protected redis-server (as production Redis should be: every cluster test
     * authenticates; append-only if asked) and nodes "node-a" and "node-b" on it.
     */
    public static TwoNodeCluster<RedisServer> start(Path work, boolean appendOnly, Duration heartbeatTimeout) throws Exception {
        return start(work, appendOnly, heartbeatTimeout, Map.of());
    }

    /** The same, with more settings (environment variables) for both nodes. */
    public static TwoNodeCluster<RedisServer> start(Path work, boolean appendOnly, Duration heartbeatTimeout,
            Map<String, String> settings) throws Exception {
        return start(work, appendOnly, heartbeatTimeout, settings, GatewayNode.Runtime.PAYARA, GatewayNode.Runtime.PAYARA);
    }

    /** The same, node A and node B each on the server given. */
    public static TwoNodeCluster<RedisServer> start(Path work, boolean appendOnly, Duration heartbeatTimeout,
            Map<String, String> settings, GatewayNode.Runtime runtimeA, GatewayNode.Runtime runtimeB) throws Exception {
        return start(work, RedisServer.start(work.resolve("redis"), appendOnly, "cluster-" + UUID.randomUUID(), null),
                heartbeatTimeout, settings, runtimeA, runtimeB);
    }

    /**
     * Two Payara nodes on a Redis set-up the test started (closed with the cluster, also when a node fails to
     * start); {@code heartbeatTimeout} null keeps the nodes' default.
     */
    public static <R extends RedisBackend> TwoNodeCluster<R> start(Path work, R redis, Duration heartbeatTimeout,
            Map<String, String> settings) throws Exception {
        return start(work, redis, heartbeatTimeout, settings, GatewayNode.Runtime.PAYARA, GatewayNode.Runtime.PAYARA);
    }

    private static <R extends RedisBackend> TwoNodeCluster<R> start(Path work, R redis, Duration heartbeatTimeout,
            Map<String, String> settings, GatewayNode.Runtime runtimeA, GatewayNode.Runtime runtimeB) throws Exception {
        TwoNodeCluster<R> cluster = new TwoNodeCluster<>(redis);
        try {
            cluster.nodeA = GatewayNode.start(runtimeA, work.resolve("node-a"), false,
                    cluster.environment("node-a", heartbeatTimeout, settings));
            cluster.nodeB = GatewayNode.start(runtimeB, work.resolve("node-b"), false,
                    cluster.environment("node-b", heartbeatTimeout, settings));
            cluster.nodeA.awaitReady();
            cluster.nodeB.awaitReady();
            Eventually.within(Duration.ofSeconds(30), "both nodes ready (relay up)", cluster::ready);
            return cluster;
        } catch (Exception | AssertionError e) {
            cluster.close();
            throw e;
        }
    }

    private Map<String, String> environment(String node, Duration heartbeatTimeout, Map<String, String> settings) {
        Map<String, String> env = new HashMap<>(GatewayNode.testEnvironment(node));
        env.putAll(redis.nodeSettings());
        if (heartbeatTimeout != null) {
            env.put("SWITCHBOARD_HEARTBEAT_TIMEOUT_MS", String.valueOf(heartbeatTimeout.toMillis()));
        }
        env.putAll(settings);
        return env;
    }

    public GatewayNode nodeA() {
        return nodeA;
    }

    public GatewayNode nodeB() {
        return nodeB;
    }

    /** Whether a node answers readiness UP (its relay is up). */
    public static boolean ready(GatewayNode node) {
        return node.api().get("health/ready").status() == 200;
    }

    /** Whether both nodes are ready. */
    public boolean ready() {
        return ready(nodeA) && ready(nodeB);
    }

    @Override
    public void close() throws Exception {
        for (AutoCloseable process : new AutoCloseable[] {nodeA, nodeB, redis}) {
            if (process != null) {
                process.close();
            }
        }
    }
}
