package io.switchboard.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.connection.Connection;
import io.switchboard.connection.RecordingSink;
import io.switchboard.connection.SendQueueLimits;
import io.switchboard.protocol.CloseCodes;
import io.switchboard.security.Identity;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ConnectionRegistryTest {
    private final ConnectionRegistry registry = new ConnectionRegistry();

    private Connection open(String id, String user) {
        Connection connection = new Connection(id, new Identity(user, Set.of(), 0), RecordingSink.fast(),
                new SendQueueLimits(10, 1000), registry::closed, 0);
        registry.register(connection);
        return connection;
    }

    @Test
    void tracksConnectionsPerUserAndForgetsClosedOnesAtOnce() {
        Connection phone = open("c1", "bob");
        Connection laptop = open("c2", "bob");
        open("c3", "amy");
        assertEquals(2, registry.connectionCount("bob"));
        assertEquals(3, registry.size());
        assertEquals(2, registry.userCount());
        phone.close(CloseCodes.HEARTBEAT_TIMEOUT, "reaped");
        assertEquals(List.of(laptop), registry.connectionsOf("bob"));
        laptop.closedByPeer(1000);
        assertEquals(0, registry.connectionCount("bob"));
        assertTrue(registry.connectionsOf("bob").isEmpty());
        assertEquals(1, registry.userCount(), "users without connections are dropped");
        assertEquals(1, registry.heartbeatReaps());
    }

    @Test
    void countsSlowConsumerCuts() {
        Connection connection = open("c1", "bob");
        connection.close(CloseCodes.SLOW_CONSUMER, "slow");
        connection.close(CloseCodes.SLOW_CONSUMER, "again");
        assertEquals(1, registry.slowConsumerCuts());
    }

    @Test
    void staysConsistentUnderConcurrentOpensAndCloses() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        for (int t = 0; t < 4; t++) {
            int thread = t;
            pool.execute(() -> {
                for (int i = 0; i < 5000; i++) {
                    Connection connection = open(thread + "-" + i, "user" + (i % 7));
                    if (i % 2 == 0) {
                        connection.close(1000, "bye");
                    }
                }
            });
        }
        pool.shutdown();
        assertTrue(pool.awaitTermination(30, TimeUnit.SECONDS));
        assertEquals(10_000, registry.size());
        int perUser = 0;
        for (int u = 0; u < 7; u++) {
            perUser += registry.connectionCount("user" + u);
        }
        assertEquals(10_000, perUser);
    }
}
