package io.switchboard.redis.relay;

import io.switchboard.config.SwitchboardConfig;
import io.switchboard.metrics.TrafficCounters;
import io.switchboard.redis.client.ClusterMember;
import io.switchboard.redis.client.RedisClient;
import io.switchboard.registry.ConnectionRegistry;
import io.switchboard.registry.RoomRegistry;
import io.switchboard.routing.BrokerEventHandler;
import jakarta.enterprise.concurrent.ManagedThreadFactory;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinWorkerThread;

/** Builds the relay's beans by hand for tests outside this package (what CDI injects in a node). */
public final class RelayFixtures {
    private RelayFixtures() {
    }

    /** The relay state of a node whose subscription is up (as the subscriber leaves it once caught up). */
    public static RelayState up() {
        RelayState state = new RelayState();
        state.subscribed();
        return state;
    }

    /**
     * This member's subscriber, dispatching what is relayed to it to {@code events} and catching up the
     * connections in {@code connections}; not started ({@link RelaySubscriber#start}).
     */
    public static RelaySubscriber subscriber(SwitchboardConfig config, RedisClient redis, RelayState state, ClusterMember member,
            ConnectionRegistry connections, RoomRegistry rooms, BrokerEventHandler events) {
        RelayCatchUp catchUp = new RelayCatchUp();
        catchUp.redis = redis;
        catchUp.connections = connections;
        catchUp.rooms = rooms;
        RelayDispatcher dispatcher = new RelayDispatcher();
        dispatcher.events = events;
        dispatcher.catchUp = catchUp;
        dispatcher.member = member;
        RelaySubscriber subscriber = new RelaySubscriber();
        subscriber.config = config;
        subscriber.redis = redis;
        subscriber.state = state;
        subscriber.member = member;
        subscriber.traffic = new TrafficCounters();
        subscriber.catchUp = catchUp;
        subscriber.dispatcher = dispatcher;
        subscriber.threads = new ManagedThreadFactory() {
            @Override
            public Thread newThread(Runnable task) {
                return new Thread(task);
            }

            @Override
            public ForkJoinWorkerThread newThread(ForkJoinPool pool) {
                throw new UnsupportedOperationException("the subscriber runs no fork-join pool");
            }
        };
        return subscriber;
    }

    /** A listener for a subscriber whose node has nothing to do when it subscribes or lapses. */
    public static SubscriptionListener quiet() {
        return new SubscriptionListener() {
            @Override
            public void subscribed() {
            }

            @Override
            public void caughtUp() {
            }

            @Override
            public void lapseNoticed() {
            }
        };
    }
}
