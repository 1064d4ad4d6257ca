package io.switchboard.redis;

import io.switchboard.config.SwitchboardConfig;
import io.switchboard.redis.presence.NodeLiveness;
import io.switchboard.redis.presence.RedisPresence;
import io.switchboard.redis.presence.RoomUpkeep;
import io.switchboard.redis.relay.RelaySubscriber;
import io.switchboard.redis.relay.SubscriptionListener;
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

/**
 * This node's membership in the cluster (only when {@code switchboard.redis.url} is set), as lifecycle wiring:
 * it starts the presence writer ({@link RedisPresence}) and the relay subscriber ({@link RelaySubscriber}),
 * tells the node's liveness ({@link NodeLiveness}) what the subscription lives, and runs the tick's three jobs,
 * each owned elsewhere: the liveness and presence write, the subscription's watchdog, the rooms' upkeep
 * ({@link RoomUpkeep}). On shutdown it stops them in order and leaves the cluster.
 *
 * <p>Threads: the EJB timer thread runs {@link #tick} once per {@link RedisPresence#TICK_MILLIS} (it only
 * enqueues, pings, and does room upkeep bounded by the Redis timeout); the writer and the subscriber have
 * managed threads of their own. Bean-managed concurrency: nothing here is serialized behind a container lock.
 */
@Singleton
@Startup
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
public class RedisNode {
    @Inject
    SwitchboardConfig config;

    @Inject
    RedisPresence presence;

    @Inject
    NodeLiveness liveness;

    @Inject
    RelaySubscriber subscriber;

    @Inject
    RoomUpkeep rooms;

    @Resource
    ManagedThreadFactory threads;

    @Resource
    TimerService timerService;

    private Thread writer;

    @PostConstruct
    void start() {
        if (!config.redis().enabled()) {
            return;
        }
        writer = threads.newThread(presence::runWriter);
        writer.setName("switchboard-presence-writer");
        writer.start();
        subscriber.start(new SubscriptionListener() {
            @Override
            public void subscribed() {
                liveness.subscribed();
            }

            @Override
            public void caughtUp() {
                liveness.caughtUp();
                presence.resynchronise(); // entries may have expired while the relay was down
            }

            @Override
            public void lapseNoticed() {
                liveness.lapseNoticed();
            }
        });
        timerService.createIntervalTimer(0, RedisPresence.TICK_MILLIS, new TimerConfig("switchboard-redis-heartbeat", false));
    }

    /** Timer thread: the tick's jobs, in this order (the liveness write is queued first, whatever the others do). */
    @Timeout
    void tick() {
        presence.tick();
        subscriber.watch();
        rooms.maintain();
    }

    @PreDestroy
    void stop() {
        if (writer == null) {
            return; // Redis was not configured
        }
        subscriber.stop();
        presence.stopWriter();
        try {
            writer.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        rooms.leaveAll();
        presence.leave();
    }
}
