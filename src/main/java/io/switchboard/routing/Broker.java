package io.switchboard.routing;

import io.switchboard.inbox.Idempotency;
import io.switchboard.protocol.FrameTemplate;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * The publishing port: carries messages (and the control messages kick and disconnect) to every node
 * that has recipients. Who is where is the {@link PresenceManager}'s. Implementations: {@link InMemoryBroker}
 * (one node) and the Redis broker (a cluster, {@link Clustered}). Methods are called from WebSocket,
 * request and timer threads; none may block on a slow client, and a broker whose relay is down must fail
 * fast (a {@code ProtocolException} with {@code RELAY_UNAVAILABLE}) rather than wait or drop silently.
 */
public interface Broker {

    /**
     * Delivers a direct message live to every connection of its recipients, wherever they are, without
     * storing it (a transient message). Does not wait for other nodes: the stage completes (possibly on
     * another thread, which must not be blocked) with the report, or with a {@code ProtocolException} (503
     * {@code OVERLOADED}: nothing was delivered; 503 {@code RELAY_UNAVAILABLE}: it reached nobody). Messages of
     * one sender are relayed in the order they were handed over.
     */
    CompletionStage<DeliveryReport> publishDirect(String sender, Envelope envelope);

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
    record StoredDirect(String sender, List<String> recipients, FrameTemplate frame, Idempotency idempotency,
            boolean knownRecipientsOnly) {
        public StoredDirect {
            recipients = List.copyOf(recipients);
        }
    }

    /** Delivers a broadcast to every connection of the gateway. */
    FanOutReport publishBroadcast(Envelope envelope);

    /** Delivers a frame to every member connection of a room, wherever they are (not stored). */
    FanOutReport publishRoom(RoomEnvelope envelope);

    /**
     * Stores a room message in the room's history (the store assigns its id, rendered into the frame),
     * then delivers it to every member connection but {@code excludedConnection} (may be null).
     */
    FanOutReport publishRoomStored(String room, FrameTemplate frame, String excludedConnection);

    /** Tells every other node to remove the user's connections from the room (this node does its own). */
    void kick(String room, String user);

    /**
     * Tells every other node holding connections of the user to close them with {@code closeCode} (this
     * node closes its own); returns how many connections those nodes held.
     */
    int disconnectElsewhere(String user, int closeCode);
}
