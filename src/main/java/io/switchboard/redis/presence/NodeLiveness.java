package io.switchboard.redis.presence;

import io.switchboard.config.SwitchboardConfig;
import io.switchboard.redis.client.ClusterMember;
import io.switchboard.redis.client.RedisClient;
import io.switchboard.redis.client.RedisKeys;
import io.switchboard.redis.relay.RelayCodec;
import io.switchboard.routing.BrokerEventHandler;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.Response;

/**
 * The lapse protocol, whole: this member's liveness in {@code sb:nodes} and what happens when it had lapsed.
 * While a node counts as dead, the others store messages for its connections without relaying them here and
 * may reap its rooms and entries, so what its connections miss is not known here: each connection is then
 * closed with 1012 ({@link BrokerEventHandler#lapsed}) and its client resumes exactly from the last id it
 * processed. The liveness write finds the lapse and publishes a notice on the member's own channel in the
 * same atomic step ({@link #LIVENESS}); the subscriber acts on the notice in order with the relayed
 * messages, or — when no subscriber of this node took it — the next subscription does, once caught up.
 *
 * <p>Threads: {@link #queueWrite}/{@link #written} run on the presence writer, {@link #subscribed},
 * {@link #caughtUp} and {@link #lapseNoticed} on the relay subscriber; the flags between them are atomics.
 */
@ApplicationScoped
public class NodeLiveness {
    private static final Logger LOG = Logger.getLogger(NodeLiveness.class.getName());

    /**
     * Renews a member's liveness in {@code sb:nodes} and, if it had lapsed (missing, or expired by Redis'
     * clock: other nodes stored messages for its connections without relaying them), publishes
     * {@link RelayCodec.Kind#LAPSED} on the member's own channel in the same atomic step, so that its
     * subscriber sees the notice before any message routed to it again. KEYS: nodes. ARGV: member,
     * alive-until ms, member channel, notice payload. Returns {0} (was alive), {1, receivers} (was
     * missing), or {2, receivers, its old alive-until, Redis' now} (had expired); receivers = 0 when the
     * member's subscriber was not subscribed to take the notice. Read into a {@link Liveness}.
     */
    static final String LIVENESS = """
            local old = redis.call('ZSCORE', KEYS[1], ARGV[1])
            redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1])
            local t = redis.call('TIME')
            local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
            if old and tonumber(old) >= now then return {0} end
            local receivers = redis.call('PUBLISH', ARGV[3], ARGV[4])
            if old then return {2, receivers, old, tostring(now)} end
            return {1, receivers}
            """;

    /**
     * {@link #LIVENESS}'s reply, typed: whether this member was alive, missing or expired before the write, how
     * many subscribers took the lapse notice it published (missing or expired only), and for an expired member
     * its old alive-until and Redis' time (as Redis returned them).
     */
    record Liveness(State state, long noticeReceivers, String aliveUntil, String redisNow) {
        enum State {
            /** Alive until later than now: nothing was missed. */
            ALIVE,
            /** Not in the members at all (first write, Redis lost its data, or another node reaped it). */
            MISSING,
            /** Present but expired by Redis' clock: others stored messages for its connections without relaying them. */
            EXPIRED
        }

        static Liveness of(List<?> reply) {
            return switch (((Number) reply.get(0)).intValue()) {
                case 0 -> new Liveness(State.ALIVE, 0, null, null);
                case 1 -> new Liveness(State.MISSING, ((Number) reply.get(1)).longValue(), null, null);
                case 2 -> new Liveness(State.EXPIRED, ((Number) reply.get(1)).longValue(), String.valueOf(reply.get(2)),
                        String.valueOf(reply.get(3)));
                default -> throw new IllegalStateException("Unexpected liveness reply " + reply);
            };
        }

        /** Whether the member's liveness had lapsed (missing or expired): the script published a lapse notice. */
        boolean lapsed() {
            return state != State.ALIVE;
        }
    }

    /** A queued liveness write: its reply, and how many subscriptions had completed when it was queued. */
    record PendingWrite(Response<Object> reply, long subscriptionsBefore) {
    }

    @Inject
    SwitchboardConfig config;

    @Inject
    RedisClient redis;

    @Inject
    ClusterMember member;

    @Inject
    BrokerEventHandler events;

    private final AtomicBoolean rejoined = new AtomicBoolean();
    /** A lapse whose notice reached no subscriber of this node (see {@link #lapseUnnoticed}). */
    private final AtomicBoolean lapseUnnoticed = new AtomicBoolean();
    /** Subscriptions completed so far (see {@link #subscribed}). */
    private final AtomicLong subscriptions = new AtomicLong();
    /** Whether a liveness write of this run has succeeded before (writer thread only). */
    private boolean wasAlive;
    /** Liveness writes queued and answered so far (what a test can wait for instead of sleeping). */
    private final AtomicLong writesQueued = new AtomicLong();
    private final AtomicLong writesAnswered = new AtomicLong();

    /** How long a node counts as alive after its last tick: the heartbeat timeout plus two missed ticks. */
    long ttlMillis() {
        return config.heartbeat().timeout().toMillis() + 2 * RedisPresence.TICK_MILLIS;
    }

    /** Writer thread: queues this member's liveness write (alive until {@code nowMillis} + the TTL) in the pipeline. */
    PendingWrite queueWrite(AbstractPipeline pipeline, long nowMillis) {
        // A lapse whose notice reached no subscriber is flagged for the next subscription; one that
        // completed while the write ran may have asked before the flag was up: then it is acted on here.
        // (Raising the flag before the write instead made healthy nodes resume their clients needlessly.)
        long before = subscriptions.get();
        writesQueued.incrementAndGet();
        return new PendingWrite(pipeline.eval(LIVENESS, List.of(RedisKeys.NODES), List.of(member.id(),
                String.valueOf(nowMillis + ttlMillis()), RedisKeys.memberChannel(member.id()),
                RelayCodec.encode(member.id(), RelayCodec.Kind.LAPSED, List.of(), ""))), before);
    }

    /** Writer thread, after the pipeline's sync: what the write found, acted on. */
    void written(PendingWrite write) {
        Liveness liveness = Liveness.of((List<?>) write.reply().get());
        boolean aliveBefore = wasAlive;
        wasAlive = true;
        if (liveness.lapsed() && redis.sharded()) {
            // On a Redis Cluster the notice cannot travel in order with the relayed messages (they go on sharded
            // channels, in other slots). Routing there never consults liveness, only each connection's entry, so
            // what a lapse can have cost is rooms reaped and entries expired: resume every connection now,
            // before this refresh rewrites the entries and the next tick rejoins the rooms.
            lapseUnnoticed.set(false);
            resumeEverywhere();
        } else if (liveness.lapsed() && liveness.noticeReceivers() == 0) {
            lapseUnnoticed.set(true); // not subscribed: the next subscription acts on it instead
            if (subscriptions.get() != write.subscriptionsBefore() && lapseUnnoticed.getAndSet(false)) {
                resumeEverywhere(); // it subscribed after the notice and may have asked already
            }
        }
        switch (liveness.state()) {
            case ALIVE -> { }
            case MISSING -> {
                rejoined.set(true);
                if (aliveBefore) {
                    LOG.warning("This node was missing from the cluster (Redis lost its data, or another node reaped it"
                            + " as dead); it rejoins");
                }
            }
            case EXPIRED -> LOG.warning(() -> "This node's liveness had expired (alive until " + liveness.aliveUntil()
                    + ", Redis time " + liveness.redisNow() + "): other nodes stopped relaying to it meanwhile");
        }
        writesAnswered.incrementAndGet();
    }

    /** Liveness writes queued so far. */
    long writesQueued() {
        return writesQueued.get();
    }

    /** Liveness writes whose answer was acted on so far. */
    long writesAnswered() {
        return writesAnswered.get();
    }

    /**
     * Whether, since last asked, this member's liveness write found it missing from the cluster (first
     * tick, Redis lost its data, or other nodes presumed it dead and reaped it): its rooms must then be
     * reconciled.
     */
    public boolean rejoinedSinceLastAsked() {
        return rejoined.getAndSet(false);
    }

    /** Subscriber thread: a subscription is live (every channel), so notices from now on reach it. */
    public void subscribed() {
        subscriptions.incrementAndGet();
    }

    /** Subscriber thread, after the catch-up: acts on a lapse whose notice was published while nobody here listened. */
    public void caughtUp() {
        if (lapseUnnoticed()) {
            resumeEverywhere();
        }
    }

    /** Subscriber thread: the lapse notice arrived, in order with the relayed messages. */
    public void lapseNoticed() {
        resumeEverywhere();
    }

    /**
     * Whether this node's liveness lapsed while it was not subscribed, so that its notice went to nobody;
     * clears it.
     */
    boolean lapseUnnoticed() {
        return lapseUnnoticed.getAndSet(false);
    }

    /**
     * Each connection open now is closed with 1012 after its queued frames (it has received nothing newer than
     * the gap: the notice comes before any message routed here again), and its client resumes exactly from the
     * last id it processed.
     */
    private void resumeEverywhere() {
        lapseUnnoticed.set(false); // handled now, whichever way it was noticed
        int closed = events.lapsed();
        if (closed > 0) { // none on a node's first liveness write, which also counts as lapsed
            LOG.warning("This node's liveness in Redis had lapsed (other nodes stopped relaying to it); closed " + closed
                    + " connections with 1012 so that they resume without a gap");
        }
    }
}
