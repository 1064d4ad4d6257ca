package io.switchboard.redis.relay;

import io.switchboard.protocol.ErrorCode;
import io.switchboard.protocol.ProtocolException;
import io.switchboard.redis.client.NotReplicatedException;
import io.switchboard.redis.client.RedisClient;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.SocketTimeoutException;
import java.util.NoSuchElementException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Pattern;
import redis.clients.jedis.exceptions.JedisAccessControlException;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.exceptions.JedisRedirectionException;

/**
 * Whether this node can relay through Redis right now: its subscriber is subscribed and its last
 * command succeeded. Logs once when the relay goes down and once when it comes back, not per message.
 * Read on every publish (any thread), written by the subscriber and presence threads; lock-free.
 */
@ApplicationScoped
public class RelayState {
    private static final Logger LOG = Logger.getLogger(RelayState.class.getName());
    private static final long BUG_LOG_INTERVAL_NANOS = 60_000_000_000L;

    private final AtomicBoolean subscribed = new AtomicBoolean();
    private final AtomicBoolean commandsOk = new AtomicBoolean(true);
    private final AtomicBoolean up = new AtomicBoolean();
    /** So that a Redis that is unreachable from the start is reported once too. */
    private final AtomicBoolean reportedUnreachableAtStart = new AtomicBoolean();
    private volatile boolean everUp;
    private final AtomicLong lastBugLoggedNanos = new AtomicLong();
    /** Set when a room change could not be recorded in Redis, and on every DOWN→UP: rooms need reconciling. */
    private final AtomicBoolean roomsNeedReconciling = new AtomicBoolean();

    public boolean isUp() {
        return up.get();
    }

    /** Whether the subscriber is subscribed (whatever the commands do). */
    boolean isSubscribed() {
        return subscribed.get();
    }

    /** A room change was skipped or may have half-happened in Redis: reconcile this node's rooms soon. */
    public void roomChangeUnrecorded() {
        roomsNeedReconciling.set(true);
    }

    /** Whether rooms need reconciling; clears the request (call {@link #roomChangeUnrecorded} again if it fails). */
    public boolean claimRoomReconciling() {
        return roomsNeedReconciling.getAndSet(false);
    }

    public void subscribed() {
        subscribed.set(true);
        update(null);
    }

    /** Told of failures so that a stale Redis Cluster slot map is re-read (null in unit tests). */
    @jakarta.inject.Inject
    RedisClient redis;

    void subscriberLost(Exception cause) {
        if (redis != null) {
            redis.noticeFailure(cause);
        }
        subscribed.set(false);
        update(cause);
    }

    public void commandSucceeded() {
        if (!commandsOk.get()) {
            commandsOk.set(true);
            update(null);
        }
    }

    /**
     * Runs a Redis command for a request that cannot do without Redis: refused with {@code unavailable}
     * while the relay is down or when the command fails (which is recorded; see {@link #failure}); success
     * is recorded too.
     */
    public <T> T require(Supplier<T> command, Supplier<? extends RuntimeException> unavailable) {
        if (!isUp()) {
            throw unavailable.get();
        }
        try {
            T result = command.get();
            commandSucceeded();
            return result;
        } catch (JedisException e) {
            throw failure(e, unavailable);
        }
    }

    /** {@link #require(Supplier, Supplier)} refused with {@link #relayUnavailable()}. */
    public <T> T require(Supplier<T> command) {
        return require(command, RelayState::relayUnavailable);
    }

    /**
     * Records a failed command for a request that can go on without Redis (delivering locally): returns if
     * it was an outage or load, and throws 500 {@code internal} if it was a bug, which no fallback should hide.
     */
    public void failedUnlessBug(JedisException failure) {
        RuntimeException bug = failure(failure, () -> null);
        if (bug != null) {
            throw bug;
        }
    }

    /**
     * Records a failed command and answers what its request gets: a command Redis refused as wrong is a
     * bug (see {@link #commandFailed}) and fails its request alone with 500 {@code internal}; anything
     * else is {@code unavailable} (503: retry later).
     */
    public RuntimeException failure(JedisException failure, Supplier<? extends RuntimeException> unavailable) {
        commandFailed(failure);
        return isBug(failure)
                ? new ProtocolException(ErrorCode.INTERNAL, "The gateway's store refused the request (a bug, logged); "
                        + "retrying will not help")
                : unavailable.get();
    }

    /**
     * A command failed. A command Redis refused as wrong (script error, {@code ERR}, {@code WRONGTYPE}) is a
     * bug of ours, not an outage: it is logged as such (at most once a minute at SEVERE) and the relay stays
     * up for everything else (the failed request itself is refused). Load is not an outage
     * either: a command that timed out, or found every pooled connection busy, fails that request alone
     * (back-pressure); a Redis that really stopped answering is found by the subscription's watchdog,
     * which pings it every tick. Anything else (refused, reset, closed) takes the relay down at once.
     */
    public void commandFailed(Exception cause) {
        if (redis != null) {
            redis.noticeFailure(cause);
        }
        if (isBug(cause)) {
            long now = System.nanoTime();
            long last = lastBugLoggedNanos.get();
            if (last == 0 || now - last > BUG_LOG_INTERVAL_NANOS) {
                if (lastBugLoggedNanos.compareAndSet(last, now)) {
                    LOG.log(Level.SEVERE, "A Redis command was refused as wrong (a bug, not an outage; further ones "
                            + "within a minute are logged at FINE): " + cause.getMessage(), cause);
                    return;
                }
            }
            LOG.log(Level.FINE, "A Redis command was refused as wrong", cause);
            return;
        }
        if (isLoad(cause)) {
            LOG.log(Level.FINE, "A Redis command failed under load; the relay stays up", cause);
            return;
        }
        commandsOk.set(false);
        update(cause);
    }

    /** Error replies that mean "cannot serve now" (a replica after a failover, loading, out of memory...). */
    private static final Pattern OUTAGE_REPLIES =
            Pattern.compile("(READONLY|LOADING|MASTERDOWN|OOM|NOREPLICAS|BUSY|TRYAGAIN|CLUSTERDOWN|NOAUTH) ");

    /** 503 {@code relay-unavailable}: what a request that needs the relay gets while it is down. */
    public static ProtocolException relayUnavailable() {
        return new ProtocolException(ErrorCode.RELAY_UNAVAILABLE,
                "The cluster relay (Redis) is unreachable and this needs it; retry later");
    }

    /**
     * An error reply that says the command itself was wrong: a script error, {@code ERR ...} (syntax,
     * arguments) or {@code WRONGTYPE}. Replies that say Redis cannot serve anyone right now ({@code LOADING},
     * {@code READONLY}, {@code OOM}, {@code MASTERDOWN}, {@code NOAUTH}, ...) are outages, as are I/O failures.
     */
    private static boolean isBug(Exception failure) {
        if (!(failure instanceof JedisDataException) || failure instanceof JedisAccessControlException
                || failure instanceof JedisRedirectionException) {
            return false;
        }
        String message = String.valueOf(failure.getMessage());
        if (OUTAGE_REPLIES.matcher(message).lookingAt()) {
            return false; // also from inside a script, whose errors mention "script"
        }
        return message.startsWith("ERR ") && !message.startsWith("ERR max number of clients")
                || message.startsWith("WRONGTYPE ") || message.contains("script");
    }

    /**
     * A read timeout (not a connect timeout) or a wait for a pooled connection that timed out (commons-pool's
     * "Timeout waiting for idle object"; a connection that cannot be made surfaces as itself): busy, not gone.
     */
    private static boolean isLoad(Exception failure) {
        if (failure instanceof NotReplicatedException) {
            return true; // the master answers; its replicas lag
        }
        if (failure instanceof JedisRedirectionException || String.valueOf(failure.getMessage()).startsWith("TRYAGAIN ")) {
            return true; // a Redis Cluster slot moving: this request failed, the slot map is re-read, retry works
        }
        for (Throwable cause = failure.getCause(); cause != null; cause = cause.getCause()) {
            String message = String.valueOf(cause.getMessage());
            if (cause instanceof SocketTimeoutException && message.contains("Read timed out")
                    || cause instanceof NoSuchElementException && message.startsWith("Timeout waiting")) {
                return true;
            }
        }
        return false;
    }

    private void update(Exception cause) {
        boolean nowUp = subscribed.get() && commandsOk.get();
        if (nowUp) {
            everUp = true;
        } else if (!everUp && cause != null && reportedUnreachableAtStart.compareAndSet(false, true)) {
            LOG.warning("Redis relay unreachable at start; retrying with backoff: " + cause.getMessage());
        }
        if (up.getAndSet(nowUp) != nowUp) {
            if (nowUp) {
                roomsNeedReconciling.set(true); // whatever failed while down is made good now
                LOG.info("Redis relay is up");
            } else {
                LOG.log(Level.WARNING, "Redis relay is DOWN; delivering to this node's connections only until it returns: "
                        + (cause == null ? "" : cause.getMessage()), cause == null ? null : cause);
            }
        }
    }
}
