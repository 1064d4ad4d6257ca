package io.switchboard.redis;

import io.switchboard.config.SwitchboardConfig;
import io.switchboard.metrics.TrafficCounters;
import io.switchboard.routing.BrokerEventHandler;
import io.switchboard.routing.RoomService;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.ejb.ConcurrencyManagement;
import jakarta.ejb.ConcurrencyManagementType;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.ejb.Timeout;
import jakarta.ejb.TimerConfig;
import jakarta.ejb.TimerService;
import jakarta.enterprise.concurrent.ManagedThreadFactory;
import jakarta.inject.Inject;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPubSub;
import redis.clients.jedis.exceptions.JedisException;

/**
 * This node's membership in the cluster (only when {@code switchboard.redis.url} is set): the Redis
 * subscriber that hands relayed messages to local delivery, the presence writer, and a heartbeat timer
 * that keeps the node alive in Redis.
 *
 * <p>Delivery is exact across relay trouble: after every (re)subscription, before the first relayed
 * message, {@link RelayCatchUp} hands local connections what was stored for them while this node was not
 * listening; a subscription that goes silent is found by a ping each tick and cut; when this node's
 * liveness had lapsed (others stopped routing to it) its connections are closed with 1012 to resume.
 *
 * <p>Threads: the subscriber runs its blocking {@code SUBSCRIBE} loop on a managed thread (on a Redis
 * Cluster, runs of {@link ShardedSubscription}: one reader thread per master, this thread catching up) and
 * reconnects forever after any error with capped, jittered exponential backoff; relayed frames are
 * enqueued to connections on that thread (never blocking); the catch-up reads Redis there too, while
 * relayed messages wait in Redis' buffer. What each relayed message means is {@link RelayDispatcher}'s
 * (which hands kicks, since they write to Redis, to the managed executor). The presence writer has its
 * own managed thread. The EJB timer
 * thread enqueues, pings the subscription, and may cut its socket. {@code @PreDestroy} unsubscribes,
 * which ends the loop, and stops the writer. Bean-managed concurrency: nothing here is serialized
 * behind a container lock.
 */
@Singleton
@Startup
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
public class RedisNode {
    /** Period of the node heartbeat in Redis (Payara's minimum EJB timer period). */
    static final long TICK_MILLIS = 1000;
    private static final Logger LOG = Logger.getLogger(RedisNode.class.getName());
    private static final long FIRST_BACKOFF_MILLIS = 100;
    /** Message id of envelopes rebuilt from the relay: their frame already carries the real one. */

    @Inject
    SwitchboardConfig config;

    @Inject
    RedisClient redis;

    @Inject
    RedisPresence presence;

    @Inject
    RelayState state;

    @Inject
    ClusterMember member;

    @Inject
    RedisRooms rooms;

    @Inject
    RoomService roomService;

    @Inject
    TrafficCounters traffic;

    @Inject
    RelayCatchUp catchUp;

    @Inject
    RelayDispatcher dispatcher;

    @Inject
    BrokerEventHandler events;

    @Resource
    ManagedThreadFactory threads;

    @Resource
    TimerService timerService;


    private final AtomicBoolean maintaining = new AtomicBoolean();
    private volatile boolean running;
    private volatile Relay subscription;
    /** On a Redis Cluster, the current run of the sharded subscription (instead of {@link #subscription}). */
    private volatile ShardedSubscription sharded;
    /** The subscriber's Redis connection, so that the watchdog can cut a subscription that went silent. */
    private volatile Jedis subscriberConnection;
    /** The last {@code maxmemory-policy} read from Redis; subscriber thread only. */
    private String evictionPolicySeen;
    private Thread subscriber;
    private Thread writer;

    @PostConstruct
    void start() {
        if (!config.redis().enabled()) {
            return;
        }
        running = true;
        presence.onUnnoticedLapse(this::resumeEverywhere);
        writer = threads.newThread(presence::runWriter);
        writer.setName("switchboard-presence-writer");
        writer.start();
        subscriber = threads.newThread(redis.sharded() ? this::subscribeShardedForever : this::subscribeForever);
        subscriber.setName("switchboard-redis-subscriber");
        subscriber.start();
        timerService.createIntervalTimer(0, TICK_MILLIS, new TimerConfig("switchboard-redis-heartbeat", false));
    }

    /**
     * Timer thread, once per {@link #TICK_MILLIS}: queues the liveness write, then (skipped while the relay
     * is down or a previous tick is still at it) reconciles this node's rooms if needed and reaps dead
     * members, announcing the users they took out of rooms. Blocks on Redis at most the command timeout.
     */
    @Timeout
    void tick() {
        presence.tick();
        watchSubscription();
        if (!state.isUp() || !maintaining.compareAndSet(false, true)) {
            return;
        }
        try {
            if (presence.rejoinedSinceLastAsked() | state.claimRoomReconciling()) {
                try {
                    roomService.reconcile(rooms.roomsOfThisMember(),
                            (room, memberships) -> state.require(() -> rooms.reconcile(room, memberships)));
                } catch (RuntimeException e) {
                    state.roomChangeUnrecorded(); // until it succeeds
                    throw e;
                }
            }
            long now = System.currentTimeMillis();
            for (String dead : rooms.expiredMembers(now)) {
                if (!dead.equals(member.id())) {
                    roomService.announceAll(rooms.reap(dead, now, false));
                }
            }
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, "Room maintenance failed; retried next tick", e);
        } finally {
            maintaining.set(false);
        }
    }

    /**
     * Timer thread: pings the subscription, and cuts its connection when a ping stayed unanswered (no
     * pong, no message) for longer than the Redis timeout ({@link SilenceDetector}). A half-open socket or a
     * Redis that stopped answering is so found within seconds; the subscriber loop then reconnects, and
     * {@link RelayCatchUp} repairs the gap.
     */
    private void watchSubscription() {
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

    /**
     * Subscriber thread, on {@link RelayCodec.Kind#LAPSED}: while this node counted as dead, messages for its
     * connections were stored but not relayed here, and its presence entries and rooms may be gone, so
     * what they miss is not known here. Each connection open now is closed with 1012 after its queued
     * frames (it has received nothing newer than the gap: the notice comes before any message routed here
     * again), and its client resumes exactly from the last id it processed.
     */
    private void resumeEverywhere() {
        presence.lapseUnnoticed(); // handled now, whichever way it was noticed
        int closed = events.lapsed();
        if (closed > 0) { // none on a node's first liveness write, which also counts as lapsed
            LOG.warning("This node's liveness in Redis had lapsed (other nodes stopped relaying to it); closed " + closed
                    + " connections with 1012 so that they resume without a gap");
        }
    }

    @PreDestroy
    void stop() {
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
        presence.stopWriter();
        join(subscriber);
        join(writer);
        try {
            roomService.announceAll(rooms.reap(member.id(), System.currentTimeMillis(), true));
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, "Could not leave rooms cleanly; other nodes reap this run after its liveness TTL", e);
        }
        presence.leave();
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
        presence.subscriptionCompleted();
        redis.discardIdleConnections();
        int caughtUp = catchUp.catchUp();
        if (caughtUp > 0) {
            LOG.info(() -> "Relay caught up after a gap: " + caughtUp + " stored messages re-read for local connections");
        }
        if (presence.lapseUnnoticed()) {
            resumeEverywhere(); // its notice was published while nobody here listened
        }
        state.subscribed();
        presence.resynchronise();
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
            dispatcher.dispatch(relayed, this::resumeEverywhere);
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
