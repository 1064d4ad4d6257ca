package io.switchboard.redis;

import io.switchboard.config.SwitchboardConfig;
import io.switchboard.config.TestConfig;
import io.switchboard.inbox.Inbox;
import io.switchboard.metrics.TrafficCounters;
import io.switchboard.redis.client.ClusterMember;
import io.switchboard.redis.client.RedisClient;
import io.switchboard.redis.client.RedisFixtures;
import io.switchboard.redis.client.RedisKeys;
import io.switchboard.redis.presence.PresenceFixtures;
import io.switchboard.redis.presence.RedisPresence;
import io.switchboard.redis.relay.RelayFixtures;
import io.switchboard.redis.relay.RelayState;
import io.switchboard.redis.relay.RelaySubscriber;
import io.switchboard.redis.store.RedisInbox;
import io.switchboard.redis.store.ScriptPipeline;
import io.switchboard.redis.store.StoreFixtures;
import io.switchboard.registry.ConnectionRegistry;
import io.switchboard.registry.RoomRegistry;
import io.switchboard.routing.LocalDelivery;
import io.switchboard.routing.MessageRouter;
import io.switchboard.routing.NodeEvents;
import io.switchboard.routing.StoreAndDeliverContract;
import io.switchboard.testing.Eventually;
import io.switchboard.testing.process.RedisServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

/**
 * The store-and-deliver contract on the Redis adapter against a real redis-server, wired as a node wires it but
 * without a container: {@link RedisBroker} over the script pipeline and the {@code STORE} script, this node's
 * presence written by its writer thread, and its relay subscriber delivering what the script published to this
 * node's channel into the inbound port.
 */
class RedisStoreAndDeliverIT extends StoreAndDeliverContract {
    private static RedisServer redis;
    private final ConnectionRegistry connections = new ConnectionRegistry();
    private final ScheduledExecutorService ticks = Executors.newSingleThreadScheduledExecutor();
    private RedisClient client;
    private RedisPresence presence;
    private Thread writer;
    private ScriptPipeline pipeline;
    /** The pipeline's own connections, as a node's lanes have them. */
    private RedisClient pipelineClient;
    private RedisInbox inbox;
    private RelaySubscriber subscriber;
    private MessageRouter router;

    @BeforeAll
    static void startRedis() throws Exception {
        redis = RedisServer.start(Path.of("target", "redis-store-and-deliver-it"));
    }

    @AfterAll
    static void stopRedis() throws Exception {
        redis.close();
    }

    @BeforeEach
    void wire() {
        SwitchboardConfig config = TestConfig.cluster(redis.url(), "node-a", 5000, 1000);
        client = RedisFixtures.client(config);
        ClusterMember member = RedisFixtures.member(config);
        RelayState state = new RelayState();
        RoomRegistry rooms = new RoomRegistry();
        NodeEvents events = new NodeEvents(new LocalDelivery(connections, rooms), connections, null, null, Runnable::run);
        presence = PresenceFixtures.presence(config, client, state, connections, member);
        writer = new Thread(presence::runWriter, "presence-writer");
        writer.start();
        ticks.scheduleAtFixedRate(presence::tick, 0, 500, TimeUnit.MILLISECONDS); // the node's liveness, as its timer writes it
        pipelineClient = RedisFixtures.client(config);
        pipeline = StoreFixtures.pipeline(config, pipelineClient, presence);
        inbox = StoreFixtures.inbox(config, client, state, pipeline, member, presence);
        subscriber = RelayFixtures.subscriber(config, client, state, member, connections, rooms, events);
        subscriber.start(RelayFixtures.quiet());
        Eventually.within(Duration.ofSeconds(10), "the relay is up and this node alive", () -> state.isUp()
                && client.commands().zscore(RedisKeys.NODES, member.id()) != null);

        RedisBroker broker = new RedisBroker();
        broker.redis = client;
        broker.presence = presence;
        broker.state = state;
        broker.events = events;
        broker.member = member;
        broker.inbox = inbox;
        broker.traffic = new TrafficCounters();
        broker.pipeline = pipeline;
        router = routerOver(broker, config);
    }

    @AfterEach
    void stop() throws InterruptedException {
        ticks.shutdownNow();
        subscriber.stop();
        StoreFixtures.stop(pipeline);
        presence.stopWriter();
        writer.join(5000);
        pipelineClient.close();
        client.close();
    }

    @Override
    protected MessageRouter router() {
        return router;
    }

    @Override
    protected Inbox inbox() {
        return inbox;
    }

    @Override
    protected Client connect(String user) {
        Client connected = recordedConnection(user);
        connections.register(connected.connection());
        PresenceFixtures.opened(presence, connected.connection());
        Eventually.within(Duration.ofSeconds(5), "the connection's presence entry is written", () -> client.commands()
                .hexists(RedisKeys.presence(user), connected.connection().id()));
        return connected;
    }

    @Override
    protected void knownButOffline(String user) {
        Client gone = connect(user);
        connections.closed(gone.connection(), 1000);
        presence.closed(gone.connection());
        Eventually.within(Duration.ofSeconds(5), "the closed connection's entry is removed", () -> !client.commands()
                .hexists(RedisKeys.presence(user), gone.connection().id()));
    }
}
