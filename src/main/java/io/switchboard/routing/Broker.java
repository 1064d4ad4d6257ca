package io.switchboard.routing;

import io.switchboard.connection.Connection;
import io.switchboard.inbox.Idempotency;
import io.switchboard.registry.RoomRegistry;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.Map;

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

    /**
     * Stores a direct message in each recipient's inbox (the store assigns its id, rendered into the
     * frame), then delivers it to every connection of its recipients, in id order per connection. Does not
     * wait for the store: the stage completes (possibly on another thread, which must not be blocked) with
     * the report, or with a {@code ProtocolException}: 503 {@code RELAY_UNAVAILABLE} rather than accept a
     * message it cannot store, 503 {@code OVERLOADED} when more is queued than the node takes. Messages of
     * one sender are stored in the order they were handed over.
     */
    CompletionStage<DeliveryReport> publishStored(StoredDirect message);

    /**
     * A direct message to store and deliver; {@code idempotency} may be null. A repeated key answers the
     * original id ({@link DeliveryReport#duplicate}); the same key with another request is refused with 409
     * {@code idempotency-conflict}. The key is claimed only once the message is stored. With
     * {@code knownRecipientsOnly}, recipients not known to the gateway (no connection within the inbox
     * retention age) get nothing and are reported {@link DeliveryReport#unknown}.
     */
    record StoredDirect(String sender, List<String> recipients, io.switchboard.protocol.FrameTemplate frame, Idempotency idempotency,
            boolean knownRecipientsOnly) {
        public StoredDirect {
            recipients = List.copyOf(recipients);
        }
    }

    /** Delivers a broadcast to every connection of the gateway. */
    FanOutReport publishBroadcast(Envelope envelope);

    /** Where the user is connected, gateway-wide. */
    UserPresence presence(String user);

    /** A connection of this node opened: make it visible to the gateway. Must not block. */
    void connectionOpened(Connection connection);

    /** A connection of this node closed: forget it gateway-wide. Must not block. */
    void connectionClosed(Connection connection);

    /**
     * Records gateway-wide that a connection of this node joined a room (it is already in this node's
     * {@link RoomRegistry}; {@code local} is what that changed here). Says whether to announce the user.
     */
    RoomChange joined(Connection connection, String room, RoomRegistry.Change local);

    /** Records gateway-wide that a connection of this node left a room; {@link RoomChange#SILENT} if unknown. */
    RoomChange left(Connection connection, String room, RoomRegistry.Change local);

    /** Delivers a frame to every member connection of a room, wherever they are (not stored). */
    FanOutReport publishRoom(RoomEnvelope envelope);

    /**
     * Stores a room message in the room's history (the store assigns its id, rendered into the frame),
     * then delivers it to every member connection but {@code excludedConnection} (may be null).
     */
    FanOutReport publishRoomStored(String room, io.switchboard.protocol.FrameTemplate frame, String excludedConnection);

    /** Tells every other node to remove the user's connections from the room (this node does its own). */
    void kick(String room, String user);

    /**
     * Tells every other node holding connections of the user to close them with {@code closeCode} (this
     * node closes its own); returns how many connections those nodes held.
     */
    int disconnectElsewhere(String user, int closeCode);

    /** Whether the user has a connection in the room anywhere. */
    boolean inRoom(String room, String user);

    /** The room's exact user count and up to {@code maxUsers} users. */
    RoomSnapshot room(String room, int maxUsers);

    /** Rooms with members, in name order, after {@code after} (null: from the start). */
    RoomPage rooms(String after, int limit);

    /**
     * Makes the gateway-wide record of one room match this node's members ({@code memberships}: connection
     * id → user), after the relay was down or this node was presumed dead. Returns the users whose
     * presence changed (user → "join" or "leave") and the member count after each, to announce.
     */
    List<PresenceChange> reconcile(String room, Map<String, String> memberships);

    /** A user's presence in a room changed: "join" or "leave", and the member count after it. */
    record PresenceChange(String room, String event, String user, int members) {
    }
}
