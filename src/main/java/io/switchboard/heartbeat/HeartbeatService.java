package io.switchboard.heartbeat;

import io.switchboard.config.SwitchboardConfig;
import io.switchboard.connection.Connection;
import io.switchboard.protocol.CloseCodes;
import io.switchboard.protocol.ErrorCode;
import io.switchboard.protocol.Frames;
import io.switchboard.metrics.TrafficCounters;
import io.switchboard.registry.ConnectionRegistry;
import io.switchboard.registry.RoomRegistry;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.Resource;
import jakarta.ejb.ConcurrencyManagement;
import jakarta.ejb.ConcurrencyManagementType;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.ejb.Timeout;
import jakarta.ejb.TimerConfig;
import jakarta.ejb.TimerService;
import jakarta.inject.Inject;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Pings every connection each heartbeat interval and reaps the ones that stayed silent past interval +
 * timeout with a ping unanswered for the timeout ({@link HeartbeatPolicy}; close code
 * {@link CloseCodes#HEARTBEAT_TIMEOUT}), removing them from the registry at once.
 * Also cuts connections whose current send has been stuck longer than the send timeout (a peer that
 * stopped reading; {@link CloseCodes#SLOW_CONSUMER}), and enforces token lifetime: a connection whose
 * token expired is told so once ({@code error 401 token-expired}) and closed with
 * {@link CloseCodes#TOKEN_EXPIRED} if no new token arrives within {@code switchboard.auth.expiry-grace-ms}.
 * A non-persistent EJB interval timer drives the sweep; bean-managed concurrency, so nothing here is
 * serialized behind a container lock. The sweep runs on an EJB timer thread; it only enqueues pings and
 * hands closes to the managed executor, so it never blocks on a socket.
 */
@Singleton
@Startup
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
public class HeartbeatService {
    private static final Logger LOG = Logger.getLogger(HeartbeatService.class.getName());

    @Resource
    TimerService timerService;

    @Inject
    SwitchboardConfig config;

    @Inject
    ConnectionRegistry registry;

    @Inject
    RoomRegistry rooms;

    @Inject
    TrafficCounters traffic;

    private HeartbeatPolicy policy;
    private TokenExpiryPolicy tokenExpiry;
    private long lastStatsLog = System.nanoTime();
    /** Skips a tick if the previous sweep is still running (timers may overlap under load). */
    private final AtomicBoolean sweeping = new AtomicBoolean();

    /** The periodic INFO line of this node's counts ({@code switchboard.stats.log-interval-ms}, 0 = off). */
    private void logStatsIfDue(long nowNanos) {
        long interval = config.statsLogInterval().toNanos();
        if (interval == 0 || nowNanos - lastStatsLog < interval) {
            return;
        }
        lastStatsLog = nowNanos;
        LOG.info(() -> "Node " + config.nodeId() + ": " + registry.size() + " connections, " + registry.userCount()
                + " users, " + rooms.rooms().size() + " rooms; since start " + traffic.framesIn() + " frames in, "
                + traffic.delivered() + " delivered, " + traffic.errors() + " errors, " + registry.slowConsumerCuts()
                + " slow-consumer cuts, " + registry.heartbeatReaps() + " reaps");
    }

    /** Tells a connection its token expired, or closes it after the grace; true if it is closing. */
    private boolean enforceTokenLifetime(Connection connection, long nowMillis) {
        TokenExpiryPolicy.Action action = tokenExpiry.decide(nowMillis, connection.identity().expiresAtMillis());
        if (action == TokenExpiryPolicy.Action.NOTHING) {
            return false;
        }
        if (connection.claimExpiryNotice()) {
            traffic.error(ErrorCode.TOKEN_EXPIRED);
            connection.send(Frames.error(ErrorCode.TOKEN_EXPIRED, "The token expired; send {\"type\":\"auth\",\"token\":\"<new token>\"} within "
                    + config.auth().expiryGrace().toSeconds() + " s or the connection is closed", null));
        }
        if (action == TokenExpiryPolicy.Action.CLOSE) {
            connection.closeAfterQueued(CloseCodes.TOKEN_EXPIRED, "token expired");
            return true;
        }
        return false;
    }

    @PostConstruct
    void start() {
        policy = HeartbeatPolicy.of(config.heartbeat().interval(), config.heartbeat().timeout());
        tokenExpiry = new TokenExpiryPolicy(config.auth().expiryGrace());
        long period = policy.sweepPeriod().toMillis();
        timerService.createIntervalTimer(period, period, new TimerConfig("switchboard-heartbeat", false));
        LOG.info(() -> "Heartbeat: ping every " + config.heartbeat().interval().toMillis() + " ms, reap after "
                + (config.heartbeat().interval().toMillis() + config.heartbeat().timeout().toMillis())
                + " ms of silence, sweep every " + period + " ms");
    }

    @Timeout
    void sweep() {
        if (!sweeping.compareAndSet(false, true)) {
            return;
        }
        try {
            long now = System.nanoTime();
            logStatsIfDue(now);
            long sendTimeout = config.connections().sendTimeout().toNanos();
            long nowMillis = System.currentTimeMillis();
            for (Connection connection : registry.all()) {
                if (connection.sendStalledNanos(now) > sendTimeout) {
                    connection.close(CloseCodes.SLOW_CONSUMER, "slow consumer: send timed out");
                    continue;
                }
                if (enforceTokenLifetime(connection, nowMillis)) {
                    continue;
                }
                switch (policy.decide(now, connection.lastSeenNanos(), connection.lastPingNanos())) {
                    case REAP -> connection.close(CloseCodes.HEARTBEAT_TIMEOUT, "heartbeat timeout");
                    case PING -> connection.ping(now);
                    case NOTHING -> { }
                }
            }
        } catch (RuntimeException e) {
            LOG.log(Level.SEVERE, "Heartbeat sweep failed; retrying next tick", e);
        } finally {
            sweeping.set(false);
        }
    }
}
