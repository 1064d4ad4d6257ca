package io.switchboard.redis.relay;

import io.switchboard.config.SwitchboardConfig;
import io.switchboard.metrics.TrafficCounters;
import io.switchboard.redis.client.ClusterMember;
import io.switchboard.redis.client.RedisClient;
import io.switchboard.redis.client.RedisKeys;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedThreadFactory;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPubSub;
import redis.clients.jedis.exceptions.JedisException;

/**
 * This node's subscription to the relay: the member's channel and the broadcast channel (on a Redis Cluster,
 * runs of {@link ShardedSubscription}), reconnected forever, caught up after every (re)subscription before
 * the first relayed message ({@link RelayCatchUp}), watched for silence, and each relayed message counted
 * and handed to {@link RelayDispatcher}.
 *
 * <p>Threads: {@link #start} starts the subscriber thread (a managed thread), which runs the blocking
 * {@code SUBSCRIBE} loop, reconnects after any error with capped, jittered exponential backoff, runs the
 * catch-up (relayed messages wait in Redis' buffer meanwhile) and the {@link SubscriptionListener}; relayed
 * frames are enqueued to connections on it (never blocking). {@link #watch} runs on the node's timer thread:
 * it pings the subscription and may cut its socket. {@link #stop} unsubscribes, which ends the loop.
 */
@ApplicationScoped
public class RelaySubscriber {
    private static final Logger LOG = Logger.getLogger(RelaySubscriber.class.getName());
    private static final long FIRST_BACKOFF_MILLIS = 100;

    @Inject
    SwitchboardConfig config;

    @Inject
    RedisClient redis;

    @Inject
    RelayState state;

    @Inject
    ClusterMember member;

    @Inject
    TrafficCounters traffic;

    @Inject
    RelayCatchUp catchUp;

    @Inject
    RelayDispatcher dispatcher;

    @Resource
    ManagedThreadFactory threads;

    private volatile boolean running;
    private volatile SubscriptionListener listener;
    private volatile Relay subscription;
    /** On a Redis Cluster, the current run of the sharded subscription (instead of {@link #subscription}). */
    private volatile ShardedSubscription sharded;
    /** The subscriber's Redis connection, so that the watchdog can cut a subscription that went silent. */
    private volatile Jedis subscriberConnection;
    /** The last {@code maxmemory-policy} read from Redis; subscriber thread only. */
    private String evictionPolicySeen;
    private Thread subscriber;

    /** Starts the subscriber thread; {@code listener} hears of each subscription and of lapse notices. */
    public void start(SubscriptionListener listener) {
        this.listener = listener;
        running = true;
        subscriber = threads.newThread(redis.sharded() ? this::subscribeShardedForever : this::subscribeForever);
        subscriber.setName("switchboard-redis-subscriber");
        subscriber.start();
    }

    /** Unsubscribes, which ends the subscriber loop, and waits (bounded) for its thread. */
    public void stop() {
        running = false;
        ShardedSubscription shards = sharded;
        if (shards != null) {
            shards.close();
        }
        JedisPubSub current = subscription;
        if (current != null && current.isSubscribed()) {
            try {
                current.unsubscribe();
            } catch (RuntimeException e) {
                LOG.log(Level.FINE, "Unsubscribe during shutdown failed", e);
            }
        }
        join(subscriber);
    }

    /**
     * Timer thread: pings the subscription, and cuts its connection when a ping stayed unanswered (no
     * pong, no message) for longer than the Redis timeout ({@link SilenceDetector}). A half-open socket or a
     * Redis that stopped answering is so found within seconds; the subscriber loop then reconnects, and
     * {@link RelayCatchUp} repairs the gap.
     */
    public void watch() {
        ShardedSubscription shards = sharded;
        if (shards != null) {
            shards.watch();
            return;
        }
        Relay relay = subscription;
        Jedis connection = subscriberConnection;
        if (relay == null || connection == null || !relay.wasSubscribed || relay.catchingUp || !running) {
            return; // a catch-up keeps the subscriber busy (and Redis buffering) by design: not silence
        }
        long now = System.nanoTime();
        switch (relay.silence.check(now)) {
            case WAIT -> { }
            case CUT -> {
                long waitedMillis = TimeUnit.NANOSECONDS.toMillis(relay.silence.waitedNanos(now));
                LOG.warning(() -> "Redis subscription silent: no answer to a ping for " + waitedMillis + " ms; reconnecting it");
                try {
                    connection.disconnect(); // the subscriber's blocking read fails and its loop reconnects
                } catch (RuntimeException e) {
                    LOG.log(Level.FINE, "Closing the silent subscription failed", e);
                }
            }
            case PING -> {
                try {
                    relay.ping();
                } catch (RuntimeException e) {
                    LOG.log(Level.FINE, "Subscription ping failed; the subscriber loop reconnects", e);
                }
            }
        }
    }

    /** One subscription, from connecting until it ends (returns) or fails (throws). */
    private interface Attempt {
        void run() throws InterruptedException;

        /** Whether it was live (subscribed) before it ended: then the next one is tried again quickly. */
        boolean wasLive();
    }

    /**
     * The subscriber thread's one loop: runs attempts, one after another, while the node runs; after each that
     * ended or failed, marks the relay down and waits a capped, jittered exponential backoff, reset whenever
     * an attempt had been live.
     */
    private void reconnectForever(Supplier<Attempt> attempts) {
        long backoff = FIRST_BACKOFF_MILLIS;
        while (running) {
            Attempt attempt = attempts.get();
            try {
                attempt.run();
                if (!running) {
                    return;
                }
                state.subscriberLost(new IllegalStateException("subscription ended"));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                if (!running) {
                    return;
                }
                state.subscriberLost(e);
            }
            if (attempt.wasLive()) {
                backoff = FIRST_BACKOFF_MILLIS; // a working subscription ended: retry quickly first
            }
            sleep(backoff / 2 + ThreadLocalRandom.current().nextLong(backoff / 2 + 1));
            backoff = Math.min(config.redis().maxBackoffMs(), backoff * 2);
        }
    }

    /** One server (or a Sentinel-followed master): the member's channel and the broadcast channel on one connection. */
    private void subscribeForever() {
        String nodeChannel = RedisKeys.memberChannel(member.id());
        reconnectForever(() -> new Attempt() {
            private final Relay relay = new Relay();

            @Override
            public void run() {
                try (Jedis connection = redis.subscriberConnection()) {
                    subscriberConnection = connection;
                    subscription = relay;
                    checkEvictionPolicy(connection);
                    connection.subscribe(relay, nodeChannel, RedisKeys.BROADCAST_CHANNEL); // blocks until unsubscribed
                } finally {
                    subscriberConnection = null;
                }
            }

            @Override
            public boolean wasLive() {
                return relay.wasSubscribed;
            }
        });
    }

    /** Receives relayed envelopes on the subscriber thread. */
    private final class Relay extends JedisPubSub {
        private volatile boolean wasSubscribed;
        /** Hears from the subscription (a message, a pong, the subscribe) and times the watchdog's pings. */
        private final SilenceDetector silence = new SilenceDetector(
                TimeUnit.MILLISECONDS.toNanos(config.redis().timeoutMs()), System.nanoTime());
        /** While the catch-up runs on the subscriber thread (nothing is read from the subscription then). */
        private volatile boolean catchingUp;

        @Override
        public void onSubscribe(String channel, int subscribedChannels) {
            silence.heard(System.nanoTime());
            if (subscribedChannels == 2) {
                wasSubscribed = true;
                catchingUp = true;
                try {
                    afterSubscribed();
                } finally {
                    catchingUp = false;
                    silence.heard(System.nanoTime());
                }
            }
        }

        @Override
        public void onPong(String pattern) {
            silence.heard(System.nanoTime());
        }

        @Override
        public void onMessage(String channel, String message) {
            silence.heard(System.nanoTime());
            relay(channel, message);
        }
    }

    /**
     * Subscriber thread, once the subscription (every shard's, on a Redis Cluster) is complete and before any
     * relayed message is handled: hands local connections what was published while not subscribed, from
     * the stored streams (a failure ends this subscription; the next one tries again), then counts as up.
     */
    private void afterSubscribed() {
        listener.subscribed();
        redis.discardIdleConnections();
        int caughtUp = catchUp.catchUp();
        if (caughtUp > 0) {
            LOG.info(() -> "Relay caught up after a gap: " + caughtUp + " stored messages re-read for local connections");
        }
        listener.caughtUp();
        state.subscribed();
        state.roomChangeUnrecorded();
    }

    /** A relayed message: counted, then dispatched. Subscriber thread (on a Redis Cluster: its shard's). */
    private void relay(String channel, String message) {
        try {
            RelayCodec.Relayed relayed = RelayCodec.decode(message);
            long lagMillis = relayed.sentAtMillis() < 0 ? -1 : Math.max(0, System.currentTimeMillis() - relayed.sentAtMillis());
            traffic.relayReceived(lagMillis);
            if (lagMillis >= 0 && !relayed.frame().isEmpty()) { // kicks and disconnects deliver nothing
                traffic.deliveryLatency(TimeUnit.MILLISECONDS.toNanos(lagMillis)); // delivered right below
            }
            dispatcher.dispatch(relayed, listener::lapseNoticed);
        } catch (RuntimeException e) {
            LOG.log(Level.SEVERE, "Dropped an unreadable relay message on " + channel, e);
        }
    }

    /**
     * On a Redis Cluster: {@link ShardedSubscription} runs, one after another, in {@link #reconnectForever};
     * each new run asks the cluster for its masters again.
     */
    private void subscribeShardedForever() {
        reconnectForever(() -> new Attempt() {
            private final ShardedSubscription run = new ShardedSubscription(redis, threads, member.id(),
                    TimeUnit.MILLISECONDS.toNanos(config.redis().timeoutMs()));

            @Override
            public void run() throws InterruptedException {
                sharded = run;
                try {
                    if (!running) {
                        return;
                    }
                    run.run(new ShardedSubscription.Listener() {
                        @Override
                        public void subscribed() {
                            afterSubscribed();
                        }

                        @Override
                        public void message(String channel, String message) {
                            relay(channel, message);
                        }
                    });
                } finally {
                    run.close();
                }
            }

            @Override
            public boolean wasLive() {
                return run.wasLive();
            }
        });
    }

    /**
     * Warns when Redis may evict keys under memory pressure (any {@code maxmemory-policy} but
     * {@code noeviction}): stored messages, cursors, presence and idempotency keys would then vanish
     * without an error, where {@code noeviction} makes writes fail loudly (503) and keeps what was
     * acknowledged. Checked on each (re)subscription, logged once per policy seen. Subscriber thread.
     */
    private void checkEvictionPolicy(Jedis connection) {
        String policy;
        try {
            policy = connection.configGet("maxmemory-policy").getOrDefault("maxmemory-policy", "unknown");
        } catch (JedisException e) {
            policy = "unreadable"; // CONFIG renamed or not allowed (managed Redis, ACLs)
        }
        if (policy.equals(evictionPolicySeen)) {
            return;
        }
        evictionPolicySeen = policy;
        if (policy.equals("unreadable")) {
            LOG.info("Could not read Redis' maxmemory-policy (CONFIG GET not allowed): make sure it is noeviction, "
                    + "or Redis may silently evict stored messages and presence under memory pressure");
        } else if (!policy.equals("noeviction")) {
            LOG.warning("Redis maxmemory-policy is " + policy + ": under memory pressure Redis will silently evict "
                    + "stored messages, cursors, presence and idempotency keys. Set maxmemory-policy noeviction "
                    + "(see src/docs/cluster.md, Production Redis settings)");
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void join(Thread thread) {
        if (thread != null) {
            try {
                thread.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
