package io.switchboard.redis.relay;

import io.switchboard.redis.client.RedisClient;
import io.switchboard.redis.client.RedisKeys;
import io.switchboard.redis.client.RedisSlots;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisShardedPubSub;
import redis.clients.jedis.exceptions.JedisConnectionException;

/**
 * On a Redis Cluster, one run of this node's relay subscription: a connection to every master, each
 * {@code SSUBSCRIBE}d to this member's channel in each slot it serves (the store scripts publish there,
 * see {@link RedisKeys#memberChannel(String, int)}), plus the member's own channel and the broadcast
 * channel on the masters that serve their slots. Messages are held until every shard is subscribed and
 * the listener's {@link Listener#subscribed} (the catch-up) has run, then flow in each shard's order.
 * Any shard's subscription ending (its master failed, a slot moved away: Redis then sends an unasked
 * {@code sunsubscribe}) ends the run; the caller starts a new one, which asks the cluster for its masters
 * again and catches up.
 *
 * <p>Threads: {@link #run} on the caller's (the subscriber) thread, which also runs the listener's
 * {@code subscribed}; one reader thread per shard delivers that shard's messages to the listener;
 * {@link #watch} on the timer thread; {@link #close} on any.
 */
final class ShardedSubscription {
    private static final Logger LOG = Logger.getLogger(ShardedSubscription.class.getName());
    /** A node's probe of its own subscription on a shard: published to itself, never dispatched. */
    private static final String PROBE = "sb:probe";
    /** How long subscribing to every slot's channel on all shards may take. */
    private static final long SUBSCRIBE_TIMEOUT_SECONDS = 30;

    /** What the relay does with the subscription. */
    interface Listener {
        /** Every shard is subscribed; nothing has been delivered yet (messages wait). Subscriber thread. */
        void subscribed();

        /** A relayed message, in its shard's order. That shard's reader thread. */
        void message(String channel, String message);
    }

    private final RedisClient redis;
    private final ThreadFactory threads;
    private final String member;
    private final long silenceTimeoutNanos;
    private final List<Shard> shards = new ArrayList<>();
    private final CompletableFuture<Void> ended = new CompletableFuture<>();
    private volatile boolean closing;
    private volatile boolean live;

    ShardedSubscription(RedisClient redis, ThreadFactory threads, String member, long silenceTimeoutNanos) {
        this.redis = redis;
        this.threads = threads;
        this.member = member;
        this.silenceTimeoutNanos = silenceTimeoutNanos;
    }

    /** Whether every shard was subscribed and the catch-up done (messages flowing) in this run. */
    boolean wasLive() {
        return live;
    }

    /**
     * Subscribes on every master, runs {@code listener.subscribed()}, lets messages through, and blocks until
     * a shard's subscription ends. Returns after {@link #close}; otherwise throws why it ended.
     */
    void run(Listener listener) throws InterruptedException {
        Map<HostAndPort, List<Integer>> masters = redis.clusterMasters();
        int served = masters.values().stream().mapToInt(List::size).sum();
        if (served != RedisSlots.COUNT) { // some slots without a master: the cluster is down for them
            throw new JedisConnectionException("the Redis Cluster serves " + served + " of " + RedisSlots.COUNT + " slots");
        }
        int ownSlot = RedisSlots.of(RedisKeys.memberChannel(member));
        int broadcastSlot = RedisSlots.of(RedisKeys.BROADCAST_CHANNEL);
        for (Map.Entry<HostAndPort, List<Integer>> master : masters.entrySet()) {
            List<List<String>> channelsBySlot = new ArrayList<>();
            for (int slot : master.getValue()) {
                List<String> channels = new ArrayList<>(List.of(RedisKeys.memberChannel(member, slot)));
                if (slot == ownSlot) {
                    channels.add(RedisKeys.memberChannel(member));
                }
                if (slot == broadcastSlot) {
                    channels.add(RedisKeys.BROADCAST_CHANNEL);
                }
                channelsBySlot.add(channels); // one SSUBSCRIBE per slot: a command may not span slots
            }
            if (!channelsBySlot.isEmpty()) {
                shards.add(new Shard(master.getKey(), channelsBySlot, listener));
            }
        }
        for (Shard shard : shards) {
            Thread reader = threads.newThread(shard);
            reader.setName("switchboard-redis-subscriber-" + shard.address);
            reader.start();
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(SUBSCRIBE_TIMEOUT_SECONDS);
        for (Shard shard : shards) {
            while (!shard.subscribed.await(100, TimeUnit.MILLISECONDS)) {
                if (ended.isDone() || System.nanoTime() > deadline) {
                    close();
                    throw failure(new JedisConnectionException("sharded subscription not complete within "
                            + SUBSCRIBE_TIMEOUT_SECONDS + " s"));
                }
            }
        }
        try {
            listener.subscribed();
        } catch (RuntimeException e) {
            close();
            throw e;
        }
        for (Shard shard : shards) {
            shard.release();
        }
        live = true;
        try {
            ended.join();
        } catch (RuntimeException e) {
            if (!closing) {
                throw failure(e);
            }
        }
    }

    private RuntimeException failure(RuntimeException fallback) {
        try {
            ended.getNow(null);
        } catch (java.util.concurrent.CompletionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                return cause;
            }
        }
        return fallback;
    }

    /**
     * Timer thread: probes each shard (a message to this member's own channel there) and cuts every
     * subscription when one probe stayed unanswered for the silence timeout (a half-open socket, a master
     * that hangs): the run ends and the next one starts over.
     */
    void watch() {
        if (!live || closing) {
            return;
        }
        long now = System.nanoTime();
        for (Shard shard : shards) {
            switch (shard.silence.check(now)) {
                case WAIT -> { }
                case CUT -> {
                    LOG.warning(() -> "Redis shard " + shard.address + " silent: no answer to a probe for "
                            + TimeUnit.NANOSECONDS.toMillis(shard.silence.waitedNanos(now)) + " ms; resubscribing");
                    ended.completeExceptionally(new JedisConnectionException("shard " + shard.address + " went silent"));
                    shard.cut();
                }
                case PING -> {
                    try {
                        redis.publish(RedisKeys.memberChannel(member, shard.probeSlot), PROBE);
                    } catch (RuntimeException e) {
                        LOG.log(Level.FINE, "Probing shard " + shard.address + " failed", e);
                    }
                }
            }
        }
    }

    /** Ends the run: every shard's connection is closed. Any thread. */
    void close() {
        closing = true;
        ended.complete(null);
        shards.forEach(Shard::cut);
    }

    /** One master's subscription and the thread that reads it. */
    private final class Shard extends JedisShardedPubSub implements Runnable {
        final HostAndPort address;
        final int probeSlot;
        final SilenceDetector silence = new SilenceDetector(silenceTimeoutNanos, System.nanoTime());
        final CountDownLatch subscribed = new CountDownLatch(1);
        private final List<List<String>> channelsBySlot;
        private final int expected;
        private final Listener listener;
        /** Messages that came before {@link #release}; guarded by this. */
        private final List<String[]> held = new ArrayList<>();
        private boolean released;
        private boolean restSent;
        private volatile Jedis connection;

        Shard(HostAndPort address, List<List<String>> channelsBySlot, Listener listener) {
            this.address = address;
            this.channelsBySlot = channelsBySlot;
            this.listener = listener;
            this.expected = channelsBySlot.stream().mapToInt(List::size).sum();
            this.probeSlot = RedisSlots.of(channelsBySlot.get(0).get(0));
        }

        @Override
        public void run() {
            try (Jedis opened = redis.shardSubscriberConnection(address)) {
                connection = opened;
                if (!closing) {
                    proceed(opened.getConnection(), channelsBySlot.get(0).toArray(String[]::new)); // blocks while subscribed
                }
                ended.completeExceptionally(new JedisConnectionException("subscription to shard " + address + " ended"));
            } catch (RuntimeException e) {
                ended.completeExceptionally(e);
            }
        }

        @Override
        public void onSSubscribe(String channel, int subscribedChannels) {
            silence.heard(System.nanoTime());
            if (!restSent) {
                restSent = true; // the rest, slot by slot, from this (the reader) thread, once the first is in
                for (List<String> channels : channelsBySlot.subList(1, channelsBySlot.size())) {
                    ssubscribe(channels.toArray(String[]::new));
                }
            }
            if (subscribedChannels == expected) {
                subscribed.countDown();
            }
        }

        @Override
        public void onSUnsubscribe(String channel, int subscribedChannels) {
            if (!closing) { // unasked: the channel's slot moved to another master
                ended.completeExceptionally(new JedisConnectionException("shard " + address + " gave up " + channel
                        + " (its slot moved)"));
                cut();
            }
        }

        @Override
        public void onSMessage(String channel, String message) {
            silence.heard(System.nanoTime());
            if (PROBE.equals(message)) {
                return;
            }
            synchronized (this) {
                if (!released) {
                    held.add(new String[] {channel, message});
                    return;
                }
            }
            listener.message(channel, message);
        }

        /** Delivers what was held, in order, then lets messages through; the reader waits meanwhile. */
        synchronized void release() {
            for (String[] message : held) {
                listener.message(message[0], message[1]);
            }
            held.clear();
            released = true;
        }

        void cut() {
            Jedis current = connection;
            if (current != null) {
                try {
                    current.disconnect(); // the reader's blocking read fails, and it ends
                } catch (RuntimeException e) {
                    LOG.log(Level.FINE, "Closing the subscription to " + address + " failed", e);
                }
            }
        }
    }
}
