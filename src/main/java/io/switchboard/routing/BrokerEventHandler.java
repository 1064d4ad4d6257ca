package io.switchboard.routing;

import java.util.Map;

/**
 * The inbound port: what reaches this node's connections from the gateway. A broker calls it for every
 * message it carries to this node, whether it came from another node (the Redis adapter's subscriber) or from
 * this one (the in-memory broker, and the Redis broker's local part), so a single node and a cluster deliver
 * through one path; plus the relayed commands (kick, disconnect) and the notice that this node missed
 * messages. Implemented by the core ({@link NodeEvents}); centrifuge's {@code BrokerEventHandler}.
 *
 * <p>Threads: the caller's (a subscriber, a Redis lane, a request or WebSocket thread). Nothing here waits:
 * frames are only queued, and what may wait (a kick writes room membership) is handed to an executor.
 */
public interface BrokerEventHandler {

    /** A message to users (stored, with its id, or live only): queued to their connections here; counts per user. */
    Map<String, Integer> direct(Envelope envelope);

    /** A broadcast: queued to every connection here; how many took it. */
    int everyone(Envelope envelope);

    /** A room message: queued to the room's member connections here but the excluded one; how many took it. */
    int room(RoomEnvelope envelope);

    /** The user was kicked from the room: their connections here leave it (on an executor, never on this thread). */
    void kick(String room, String user);

    /** A backend disconnected the user: their connections here close with {@code closeCode} after what is queued. */
    void disconnect(String user, int closeCode);

    /**
     * This node missed messages for a while (its liveness lapsed, so others stopped routing to it): every
     * connection here is closed with 1012 after its queued frames, so that its client resumes exactly from
     * the last id it processed. Returns how many were closed.
     */
    int lapsed();
}
