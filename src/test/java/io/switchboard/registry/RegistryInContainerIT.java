package io.switchboard.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.connection.Connection;
import io.switchboard.routing.PresenceManager;
import io.switchboard.testing.Eventually;
import io.switchboard.testing.TestTokens;
import io.switchboard.testing.client.WsClient.TokenIn;
import io.switchboard.testing.client.WsClient;
import io.switchboard.testing.container.Deployments;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.URL;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Runs inside Payara Micro next to the application: looks at the node's own registry and presence
 * while real WebSocket clients (from the same JVM) connect, are refused and leave.
 */
@ExtendWith(ArquillianExtension.class)
class RegistryInContainerIT {

    @Deployment
    static WebArchive deployment() {
        return Deployments.switchboardWar().addClasses(WsClient.class, TestTokens.class, Eventually.class); // what the test uses, no more
    }

    @ArquillianResource
    URL baseUrl;

    @Inject
    ConnectionRegistry registry;

    @Inject
    PresenceManager presence;

    @Test
    void refusedHandshakesLeaveNoTraceAndAcceptedOnesAreRegisteredUntilClosed() throws Exception {
        URI base = baseUrl.toURI();
        String user = "inside-" + UUID.randomUUID();
        int before = registry.size();
        for (String bad : List.of(TestTokens.expired(user), TestTokens.signedByOtherKey(user), TestTokens.algNone(user))) {
            assertEquals(401, WsClient.refusedStatus(base, bad, TokenIn.QUERY));
            assertEquals(401, WsClient.refusedStatus(base, bad, TokenIn.HEADER));
        }
        assertEquals(before, registry.size(), "refused handshakes created no connection");
        assertEquals(0, registry.connectionCount(user));

        try (WsClient client = WsClient.connect(base, TestTokens.valid(user, "broadcast", "ops"))) {
            assertEquals("welcome", client.next().getString("type"));
            Connection connection = registry.connectionsOf(user).get(0);
            assertEquals(Set.of("broadcast", "ops"), connection.identity().groups());
            assertTrue(connection.isOpen());
            assertEquals(List.of("it-node"), presence.presence(user).nodes(), "single node: the in-memory presence answers");
        }
        Eventually.within(Duration.ofSeconds(5), "closed connection leaves the registry",
                () -> registry.connectionCount(user) == 0);
    }
}
