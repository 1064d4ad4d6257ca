package io.switchboard.redis.presence;

import io.switchboard.config.SwitchboardConfig;
import io.switchboard.connection.Connection;
import io.switchboard.redis.client.ClusterMember;
import io.switchboard.redis.client.RedisClient;
import io.switchboard.redis.relay.RelayState;
import io.switchboard.registry.ConnectionRegistry;
import io.switchboard.routing.BrokerEventHandler;
import io.switchboard.routing.Envelope;
import io.switchboard.routing.RoomEnvelope;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/** Builds presence beans by hand for tests outside this package (what CDI injects in a node). */
public final class PresenceFixtures {
    private PresenceFixtures() {
    }

    /** A presence writer over {@code redis}; the caller runs its {@link RedisPresence#runWriter} loop if it needs writes. */
    public static RedisPresence presence(SwitchboardConfig config, RedisClient redis, RelayState state,
            ConnectionRegistry registry, ClusterMember member) {
        return presence(config, redis, state, registry, member, liveness(config, redis, member, NO_CONNECTIONS));
    }

    /** The same, its liveness writes acted on by {@code liveness}. */
    static RedisPresence presence(SwitchboardConfig config, RedisClient redis, RelayState state,
            ConnectionRegistry registry, ClusterMember member, NodeLiveness liveness) {
        RedisPresence presence = new RedisPresence();
        presence.liveness = liveness;
        presence.config = config;
        presence.redis = redis;
        presence.state = state;
        presence.registry = registry;
        presence.member = member;
        return presence;
    }

    /** Queues the connection's presence entry (and "known" marker), as a node does when it opens. */
    public static void opened(RedisPresence presence, Connection connection) {
        presence.opened(connection);
    }

    /** The member's liveness; a lapse it finds closes the connections {@code events} stands for. */
    static NodeLiveness liveness(SwitchboardConfig config, RedisClient redis, ClusterMember member, BrokerEventHandler events) {
        NodeLiveness liveness = new NodeLiveness();
        liveness.config = config;
        liveness.redis = redis;
        liveness.member = member;
        liveness.events = events;
        return liveness;
    }

    /** A node with no connections: a lapse closes none, and nothing else may arrive. */
    static final BrokerEventHandler NO_CONNECTIONS = lapses(new AtomicInteger());

    /** A node with no connections that counts the lapses it is told of in {@code lapses}. */
    static BrokerEventHandler lapses(AtomicInteger lapses) {
        return new BrokerEventHandler() {
            @Override
            public Map<String, Integer> direct(Envelope envelope) {
                throw new AssertionError("nothing is relayed in this test");
            }

            @Override
            public int everyone(Envelope envelope) {
                throw new AssertionError("nothing is relayed in this test");
            }

            @Override
            public int room(RoomEnvelope envelope) {
                throw new AssertionError("nothing is relayed in this test");
            }

            @Override
            public void kick(String room, String user) {
                throw new AssertionError("nothing is relayed in this test");
            }

            @Override
            public void disconnect(String user, int closeCode) {
                throw new AssertionError("nothing is relayed in this test");
            }

            @Override
            public int lapsed() {
                lapses.incrementAndGet();
                return 0;
            }
        };
    }
}
