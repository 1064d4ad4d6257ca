package io.switchboard.routing;

import io.switchboard.connection.Connection;
import io.switchboard.connection.StreamKey;
import io.switchboard.metrics.TrafficCounters;
import io.switchboard.registry.ConnectionRegistry;
import io.switchboard.registry.RoomRegistry;
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

    @Inject
    RoomRegistry rooms;

    @Inject
    TrafficCounters traffic;

    public LocalDelivery() {
    }

    /** A delivery over these registries, outside CDI (tests). */
    public LocalDelivery(ConnectionRegistry registry, RoomRegistry rooms) {
        this.registry = registry;
        this.rooms = rooms;
        this.traffic = new TrafficCounters();
    }

    /** Hands a room frame to every member connection here but the excluded one; returns how many took it. */
    public int deliver(RoomEnvelope envelope) {
        int count = 0;
        StreamKey stream = StreamKey.room(envelope.room());
        for (Connection connection : rooms.members(envelope.room())) {
            if (!connection.id().equals(envelope.excludedConnection())
                    && connection.deliver(stream, envelope.storedId(), envelope.frame())) {
                count++;
            }
        }
        counted("room", envelope.frame(), count);
        return count;
    }

    public Map<String, Integer> deliver(Envelope envelope) {
        if (envelope.broadcast()) {
            int count = 0;
            for (Connection connection : registry.all()) {
                if (connection.deliver(null, null, envelope.frame())) {
                    count++;
                }
            }
            counted("broadcast", envelope.frame(), count);
            return Map.of(EVERYONE, count);
        }
        Map<String, Integer> counts = new HashMap<>();
        StreamKey stream = envelope.storedId() == null ? null : StreamKey.INBOX;
        for (String user : envelope.recipients()) {
            int count = 0;
            for (Connection connection : registry.connectionsOf(user)) {
                if (connection.deliver(stream, envelope.storedId(), envelope.frame())) {
                    count++;
                }
            }
            counts.put(user, count);
            counted("message", envelope.frame(), count);
        }
        return counts;
    }

    /** Counts a frame handed to {@code connections} connections (its size measured once, not per connection). */
    private void counted(String kind, String frame, int connections) {
        if (connections > 0) {
            traffic.delivered(kind, connections);
            traffic.bytesOut(TrafficCounters.utf8Length(frame) * connections);
        }
    }
}
