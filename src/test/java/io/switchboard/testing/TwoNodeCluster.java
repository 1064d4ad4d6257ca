package io.switchboard.testing;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * A real redis-server and two real nodes (Payara Micro with the built WAR) using it, for end-to-end
 * tests; {@link #close} stops whatever of them started, even after a failed start.
 */
public final class TwoNodeCluster implements AutoCloseable {
    public final RedisServer redis;
    private GatewayNode nodeA;
    private GatewayNode nodeB;

    private TwoNodeCluster(RedisServer redis) {
        this.redis = redis;
    }

    /** Starts Redis (append-only if asked) and nodes "node-a" and "node-b", and waits until both are ready. */
    public static TwoNodeCluster start(Path work, boolean appendOnly, Duration heartbeatTimeout) throws Exception {
        return start(work, appendOnly, heartbeatTimeout, Map.of());
    }

    /** The same, with more settings (environment variables) for both nodes. */
    public static TwoNodeCluster start(Path work, boolean appendOnly, Duration heartbeatTimeout, Map<String, String> settings)
            throws Exception {
        return start(work, appendOnly, heartbeatTimeout, settings, GatewayNode.Runtime.PAYARA, GatewayNode.Runtime.PAYARA);
    }

    /** The same, node A and node B each on the server given. */
    public static TwoNodeCluster start(Path work, boolean appendOnly, Duration heartbeatTimeout, Map<String, String> settings,
            GatewayNode.Runtime runtimeA, GatewayNode.Runtime runtimeB) throws Exception {
        // password-protected, as production Redis should be: every cluster test authenticates
        TwoNodeCluster cluster = new TwoNodeCluster(RedisServer.start(work.resolve("redis"), appendOnly,
                "cluster-" + java.util.UUID.randomUUID(), null));
        try {
            Map<String, String> envA = cluster.environment("node-a", heartbeatTimeout);
            envA.putAll(settings);
            Map<String, String> envB = cluster.environment("node-b", heartbeatTimeout);
            envB.putAll(settings);
            cluster.nodeA = GatewayNode.start(runtimeA, work.resolve("node-a"), false, envA);
            cluster.nodeB = GatewayNode.start(runtimeB, work.resolve("node-b"), false, envB);
            cluster.nodeA.awaitReady();
            cluster.nodeB.awaitReady();
            Eventually.within(Duration.ofSeconds(30), "both nodes ready (relay up)", cluster::ready);
            return cluster;
        } catch (Exception | AssertionError e) {
            cluster.close();
            throw e;
        }
    }

    private Map<String, String> environment(String node, Duration heartbeatTimeout) {
        Map<String, String> env = new HashMap<>(GatewayNode.testEnvironment(node));
        env.put("SWITCHBOARD_REDIS_URL", redis.url());
        env.put("SWITCHBOARD_HEARTBEAT_TIMEOUT_MS", String.valueOf(heartbeatTimeout.toMillis()));
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
