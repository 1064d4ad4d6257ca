package io.switchboard.redis.client;

import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import redis.clients.jedis.ClusterCommandArguments;
import redis.clients.jedis.ClusterCommandObjects;
import redis.clients.jedis.CommandObject;
import redis.clients.jedis.Connection;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.PipelineBase;
import redis.clients.jedis.Response;
import redis.clients.jedis.exceptions.JedisClusterOperationException;
import redis.clients.jedis.providers.ClusterConnectionProvider;

/**
 * A pipeline on a Redis Cluster that routes each command to the master of its slot, one pooled connection
 * per master, and reads the replies on the calling thread. Jedis' own {@code ClusterPipeline} starts a new
 * thread pool for every {@code sync()} (Jedis 5.2), which in a connect storm made every presence write and
 * store batch create threads: the presence writer fell seconds behind and nodes counted as dead. Here
 * every master's commands are flushed first, then its replies read, so the round trips overlap without
 * threads. Replies a master refused ({@code MOVED} after a slot moved) come back as errors in their
 * {@link Response}, as in any pipeline. Not thread-safe: one thread uses it, then closes it.
 */
final class SlotRoutedPipeline extends PipelineBase {
    private final ClusterConnectionProvider slots;
    private final Map<HostAndPort, Connection> connections = new LinkedHashMap<>();
    private final Map<HostAndPort, Queue<Response<?>>> pending = new LinkedHashMap<>();

    SlotRoutedPipeline(ClusterConnectionProvider slots) {
        super(new ClusterCommandObjects());
        this.slots = slots;
    }

    @Override
    protected <T> Response<T> appendCommand(CommandObject<T> command) {
        int slot = ((ClusterCommandArguments) command.getArguments()).getCommandHashSlot();
        if (slot < 0) {
            throw new JedisClusterOperationException("a pipelined command without a key cannot be routed: "
                    + command.getArguments().getCommand());
        }
        HostAndPort master = slots.getNode(slot);
        if (master == null) {
            slots.renewSlotCache();
            master = slots.getNode(slot);
            if (master == null) {
                throw new JedisClusterOperationException("no master serves slot " + slot);
            }
        }
        Connection connection = connections.computeIfAbsent(master, slots::getConnection);
        connection.sendCommand(command.getArguments());
        Response<T> response = new Response<>(command.getBuilder());
        pending.computeIfAbsent(master, m -> new ArrayDeque<>()).add(response);
        return response;
    }

    @Override
    public void sync() {
        for (Connection connection : connections.values()) {
            connection.getMany(0); // flushes this master's commands; replies are read below
        }
        for (Map.Entry<HostAndPort, Queue<Response<?>>> master : pending.entrySet()) {
            Queue<Response<?>> responses = master.getValue();
            if (!responses.isEmpty()) {
                List<Object> replies = connections.get(master.getKey()).getMany(responses.size());
                for (Object reply : replies) {
                    responses.poll().set(reply);
                }
            }
        }
    }

    @Override
    public void close() {
        try {
            sync();
        } finally {
            connections.values().forEach(Connection::close); // back to their pools
            connections.clear();
            pending.clear();
        }
    }
}
