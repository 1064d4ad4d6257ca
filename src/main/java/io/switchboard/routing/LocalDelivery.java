package io.switchboard.routing;

import io.switchboard.connection.Connection;
import io.switchboard.registry.ConnectionRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.HashMap;
import java.util.Map;

/**
 * Hands an envelope's frame to the matching connections of this node. Only enqueues (never waits for a
 * socket), so it runs on whatever thread delivered the envelope.
 */
@ApplicationScoped
public class LocalDelivery {
    /** Key of the single count a broadcast reports. */
    public static final String EVERYONE = "*";

    @Inject
    ConnectionRegistry registry;

    public LocalDelivery() {
    }

    LocalDelivery(ConnectionRegistry registry) {
        this.registry = registry;
    }

    public Map<String, Integer> deliver(Envelope envelope) {
        if (envelope.broadcast()) {
            int count = 0;
            for (Connection connection : registry.all()) {
                if (connection.send(envelope.frame())) {
                    count++;
                }
            }
            return Map.of(EVERYONE, count);
        }
        Map<String, Integer> counts = new HashMap<>();
        for (String user : envelope.recipients()) {
            int count = 0;
            for (Connection connection : registry.connectionsOf(user)) {
                if (connection.send(envelope.frame())) {
                    count++;
                }
            }
            counts.put(user, count);
        }
        return counts;
    }
}
