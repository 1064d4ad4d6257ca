package io.switchboard.testing.process;

import io.switchboard.testing.Eventually;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A real Redis Cluster on loopback, created as an operator would: {@code masters} {@code redis-server
 * --cluster-enabled yes} processes (password-protected, AOF everysec) joined by {@code redis-cli --cluster
 * create} with the 16384 slots split evenly and no replicas.
 */
public final class RedisClusterServers implements RedisBackend {
    private final List<RedisServer> servers;
    private final String password;

    private final int masters;

    private RedisClusterServers(List<RedisServer> servers, String password, int masters) {
        this.servers = servers;
        this.password = password;
        this.masters = masters;
    }

    /** The servers that were created masters (in slot order), whatever they are now. */
    public List<RedisServer> masters() {
        return List.copyOf(servers.subList(0, masters));
    }

    /** The replica of {@code master} (asked of the cluster). */
    public RedisServer replicaOf(RedisServer master) throws IOException, InterruptedException {
        String masterId = cli(master, "CLUSTER", "MYID").strip();
        for (RedisServer server : servers) {
            if (cli(server, "CLUSTER", "NODES").lines().anyMatch(line -> line.contains("myself") && line.contains("slave")
                    && line.contains(" " + masterId + " "))) {
                return server;
            }
        }
        throw new IllegalStateException("no replica of " + master.port());
    }

    /**
     * A coordinated failover ({@code CLUSTER FAILOVER} on the replica, as an operator does before
     * maintenance): the replica catches up, takes the slots, and the old master becomes its replica.
     * Returns once the replica reports itself master.
     */
    public void failOver(RedisServer replica) throws IOException, InterruptedException {
        cli(replica, "CLUSTER", "FAILOVER");
        Eventually.within(Duration.ofSeconds(30), "the replica became master", () -> {
            try {
                return cli(replica, "ROLE").startsWith("master");
            } catch (IOException | InterruptedException e) {
                return false;
            }
        });
    }

    /** Starts {@code masters} servers under {@code work} and creates the cluster; returns once every slot is served. */
    public static RedisClusterServers start(Path work, int masters) throws Exception {
        return start(work, masters, 0);
    }

    /**
     * The same with {@code replicas} replicas per master: {@link #servers} lists the masters first, in slot
     * order (master i serves the i-th part of the slots), then the replicas.
     */
    public static RedisClusterServers start(Path work, int masters, int replicas) throws Exception {
        String password = "cluster-" + java.util.UUID.randomUUID();
        List<RedisServer> servers = new ArrayList<>();
        RedisClusterServers cluster = new RedisClusterServers(servers, password, masters);
        try {
            for (int i = 0; i < masters * (1 + replicas); i++) {
                servers.add(RedisServer.startInCluster(work.resolve("server-" + i), password));
            }
            List<String> create = new ArrayList<>(List.of("redis-cli", "-a", password, "--no-auth-warning", "--cluster", "create"));
            servers.forEach(server -> create.add("127.0.0.1:" + server.port()));
            create.addAll(List.of("--cluster-replicas", String.valueOf(replicas), "--cluster-yes"));
            Path log = work.resolve("cluster-create.log");
            Files.createDirectories(work);
            Process process = new ProcessBuilder(create).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException("redis-cli --cluster create failed; see " + log);
            }
            Eventually.within(Duration.ofSeconds(30), "every shard reports cluster_state:ok", cluster::healthy);
            return cluster;
        } catch (Exception | AssertionError e) {
            cluster.close();
            throw e;
        }
    }

    private boolean healthy() {
        for (RedisServer server : servers) {
            try {
                if (!server.command("CLUSTER INFO").contains("cluster_state:ok")) {
                    return false;
                }
            } catch (IOException notYet) {
                return false;
            }
        }
        return true;
    }

    /**
     * Moves one slot, with its keys, from one master to another as {@code redis-cli --cluster reshard} does
     * (IMPORTING/MIGRATING, {@code MIGRATE} in batches, then {@code SETSLOT NODE} on every master).
     */
    public void moveSlot(int slot, RedisServer from, RedisServer to) throws IOException, InterruptedException {
        String fromId = cli(from, "CLUSTER", "MYID").strip();
        String toId = cli(to, "CLUSTER", "MYID").strip();
        cli(to, "CLUSTER", "SETSLOT", String.valueOf(slot), "IMPORTING", fromId);
        cli(from, "CLUSTER", "SETSLOT", String.valueOf(slot), "MIGRATING", toId);
        while (true) {
            List<String> keys = cli(from, "CLUSTER", "GETKEYSINSLOT", String.valueOf(slot), "100").lines()
                    .filter(line -> !line.isBlank()).toList();
            if (keys.isEmpty()) {
                break;
            }
            List<String> migrate = new ArrayList<>(List.of("MIGRATE", "127.0.0.1", String.valueOf(to.port()), "", "0", "5000",
                    "AUTH", password, "KEYS"));
            migrate.addAll(keys);
            cli(from, migrate.toArray(String[]::new));
        }
        for (RedisServer server : servers) {
            if (cli(server, "ROLE").startsWith("master")) { // replicas learn it from their masters
                cli(server, "CLUSTER", "SETSLOT", String.valueOf(slot), "NODE", toId);
            }
        }
    }

    /** Runs one command with {@code redis-cli} (raw output) against a server; fails on an error reply. */
    private String cli(RedisServer server, String... command) throws IOException, InterruptedException {
        List<String> line = new ArrayList<>(List.of("redis-cli", "-p", String.valueOf(server.port()), "-a", password,
                "--no-auth-warning", "--raw"));
        line.addAll(List.of(command));
        Process process = new ProcessBuilder(line).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0 || output.startsWith("ERR")) {
            throw new IOException(String.join(" ", command) + " failed: " + output);
        }
        return output;
    }

    /** {@code host:port} of every master, comma-separated, as {@code switchboard.redis.cluster.nodes} takes them. */
    public String nodes() {
        return servers.stream().map(server -> "127.0.0.1:" + server.port()).collect(Collectors.joining(","));
    }

    public String password() {
        return password;
    }

    /** {@code switchboard.redis.cluster.nodes} and the servers' password. */
    @Override
    public Map<String, String> nodeSettings() {
        return Map.of("SWITCHBOARD_REDIS_CLUSTER_NODES", nodes(), "SWITCHBOARD_REDIS_PASSWORD", password);
    }

    public List<RedisServer> servers() {
        return List.copyOf(servers);
    }

    @Override
    public void close() throws InterruptedException {
        for (RedisServer server : servers) {
            server.close();
        }
    }
}
