package io.switchboard.routing;

import io.switchboard.connection.Connection;

/**
 * Carries envelopes to every node that has recipients and knows where users are connected.
 * Implementations: {@link InMemoryBroker} (one node) and the Redis broker (a cluster). Methods are
 * called from WebSocket, request and timer threads; none may block on a slow client, and a broker whose
 * relay is down must fail fast (a {@code ProtocolException} with {@code RELAY_UNAVAILABLE}) rather than
 * wait or drop silently.
 */
public interface Broker {

    /** Delivers a direct message to every connection of its recipients, wherever they are. */
    DeliveryReport publishDirect(Envelope envelope);

    /** Delivers a broadcast to every connection of the gateway. */
    BroadcastReport publishBroadcast(Envelope envelope);

    /** Where the user is connected, gateway-wide. */
    UserPresence presence(String user);

    /** A connection of this node opened: make it visible to the gateway. Must not block. */
    void connectionOpened(Connection connection);

    /** A connection of this node closed: forget it gateway-wide. Must not block. */
    void connectionClosed(Connection connection);
}
