package io.switchboard.testing.process;

import io.switchboard.testing.Eventually;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A real Redis Sentinel set on loopback, as the docs recommend it: a master and one replica (both AOF with
 * fsync every second, password-protected) and three sentinels ({@code redis-server --sentinel}, quorum 2,
 * a master counted down after 2 s), each in its own directory under {@code work}.
 */
public final class SentinelSet implements RedisBackend {
    /** The name the sentinels monitor the master under. */
    public static final String MASTER_NAME = "switchboard";

    public final RedisServer master;
    public final RedisServer replica;
    private final String password;
    private final List<Integer> sentinelPorts = new ArrayList<>();
    private final List<Process> sentinels = new ArrayList<>();

    private SentinelSet(RedisServer master, RedisServer replica, String password) {
        this.master = master;
        this.replica = replica;
        this.password = password;
    }

    /** Starts the set and waits until every sentinel knows the replica in sync (a failover can then pick it). */
    public static SentinelSet start(Path work) throws Exception {
        String password = "sentinel-" + java.util.UUID.randomUUID();
        RedisServer master = RedisServer.startForSentinel(work.resolve("master"), password, null);
        SentinelSet set = new SentinelSet(master, null, password);
        try {
            set = new SentinelSet(master, RedisServer.startForSentinel(work.resolve("replica"), password, master), password);
            for (int i = 0; i < 3; i++) {
                set.startSentinel(work.resolve("sentinel-" + i));
            }
            SentinelSet started = set;
            Eventually.within(Duration.ofSeconds(40), "every sentinel sees the replica in sync", () -> {
                try {
                    return started.everySentinelSeesTheReplica();
                } catch (IOException notYet) {
                    return false;
                }
            });
            return set;
        } catch (Exception | AssertionError e) {
            set.close();
            throw e;
        }
    }

    private boolean everySentinelSeesTheReplica() throws IOException {
        for (int port : sentinelPorts) {
            String replicas = sentinel(port, "SENTINEL REPLICAS " + MASTER_NAME);
            if (!replicas.contains(String.valueOf(replica.port())) || !replicas.contains("master-link-status")
                    || replicas.contains("s_down") || !replicas.contains("\r\nok\r\n")
                    || !sentinel(port, "SENTINEL CKQUORUM " + MASTER_NAME).startsWith("+OK")) {
                return false;
            }
        }
        return true;
    }

    private void startSentinel(Path dir) throws IOException {
        int port = RedisServer.freePort();
        Files.createDirectories(dir);
        Path conf = dir.resolve("sentinel.conf"); // sentinels rewrite their file: one each
        Files.writeString(conf, String.join("\n",
                "port " + port,
                "bind 127.0.0.1",
                "dir " + dir.toAbsolutePath(),
                "sentinel monitor " + MASTER_NAME + " 127.0.0.1 " + master.port() + " 2",
                "sentinel auth-pass " + MASTER_NAME + " " + password,
                "sentinel down-after-milliseconds " + MASTER_NAME + " 2000",
                "sentinel failover-timeout " + MASTER_NAME + " 10000",
                "sentinel parallel-syncs " + MASTER_NAME + " 1", ""));
        Process process = new ProcessBuilder("redis-server", conf.toAbsolutePath().toString(), "--sentinel")
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(new File(dir.toFile(), "sentinel.log")))
                .start();
        sentinels.add(process);
        sentinelPorts.add(port);
        Eventually.within(Duration.ofSeconds(10), "sentinel answers PING", () -> {
            try {
                return sentinel(port, "PING").startsWith("+PONG");
            } catch (IOException notYet) {
                return false;
            }
        });
    }

    /** The password of both Redis servers (the sentinels need none). */
    public String password() {
        return password;
    }

    /** {@code host:port} of every sentinel, comma-separated, as {@code switchboard.redis.sentinel.nodes} takes them. */
    public String sentinelNodes() {
        return sentinelPorts.stream().map(port -> "127.0.0.1:" + port).collect(Collectors.joining(","));
    }

    /**
     * The settings (environment variables) a node needs for this set, waiting for one replica per stored message
     * as the docs recommend ({@code -Dswitchboard.sentinel.wait-replicas=0} shows what a failover loses without).
     */
    @Override
    public Map<String, String> nodeSettings() {
        Map<String, String> env = new HashMap<>();
        env.put("SWITCHBOARD_REDIS_SENTINEL_MASTER", MASTER_NAME);
        env.put("SWITCHBOARD_REDIS_SENTINEL_NODES", sentinelNodes());
        env.put("SWITCHBOARD_REDIS_PASSWORD", password);
        env.put("SWITCHBOARD_REDIS_WAIT_REPLICAS", System.getProperty("switchboard.sentinel.wait-replicas", "1"));
        return env;
    }

    /** Forces a failover now ({@code SENTINEL FAILOVER}, no agreement needed); returns once it was accepted. */
    public void forceFailover() throws IOException {
        String reply = sentinel(sentinelPorts.get(0), "SENTINEL FAILOVER " + MASTER_NAME);
        if (!reply.startsWith("+OK")) {
            throw new AssertionError("SENTINEL FAILOVER refused: " + reply);
        }
    }

    /** The port of the server the first sentinel names as master now. */
    public int masterPort() throws IOException {
        String reply = sentinel(sentinelPorts.get(0), "SENTINEL GET-MASTER-ADDR-BY-NAME " + MASTER_NAME);
        String[] lines = reply.split("\r\n");
        return Integer.parseInt(lines[lines.length - 1]);
    }

    private String sentinel(int port, String command) throws IOException {
        return RedisServer.commandAt(port, null, command);
    }

    @Override
    public void close() throws InterruptedException {
        for (Process sentinel : sentinels) {
            sentinel.destroy();
            if (!sentinel.waitFor(10, TimeUnit.SECONDS)) {
                sentinel.destroyForcibly();
            }
        }
        if (replica != null) {
            replica.close();
        }
        master.close();
    }
}
