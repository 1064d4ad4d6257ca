package io.switchboard.testing.container;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.switchboard.testing.TestTokens;
import io.switchboard.testing.client.ApiClient;
import io.switchboard.testing.client.WsClient;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.util.UUID;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Base of the in-container ITs: each subclass gets its own Payara Micro with the real WAR deployed
 * (configured in arquillian.xml) and talks to it as clients and backends do.
 */
@ExtendWith(ArquillianExtension.class)
public abstract class DeployedGatewayIT {

    @ArquillianResource
    protected URL baseUrl;

    @Deployment(testable = false)
    public static WebArchive deployment() {
        return Deployments.switchboardWar();
    }

    protected URI base() {
        try {
            return baseUrl.toURI();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    protected ApiClient api() {
        return new ApiClient(base());
    }

    /** A user id no other test uses, so tests in one container never see each other's traffic. */
    protected static String unique(String name) {
        return name + "-" + UUID.randomUUID();
    }

    /** Connects with a valid token and consumes the welcome frame. */
    protected WsClient open(String user, String... groups) {
        WsClient client = WsClient.connect(base(), TestTokens.valid(user, groups));
        assertEquals("welcome", client.next().getString("type"));
        return client;
    }
}
