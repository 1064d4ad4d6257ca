package io.switchboard.connection;

import io.switchboard.protocol.MessageId;
import java.util.ArrayList;
import java.util.List;

/**
 * One replay of a stream's stored messages to a connection, as {@link Connection#beginReplay} started it: the key
 * to {@link Connection#sendReplayed} and {@link Connection#endReplay}, which do nothing once it is no longer the
 * stream's current replay (the connection left the room, or a newer replay of the stream began). Its held list
 * is guarded by its connection's {@link DeliveryGate}.
 */
public final class Replay {
    /** A live delivery that arrived during the replay: its stored id (null if not stored) and frame. */
    record Held(MessageId id, String frame) {
        long bytes() {
            return (long) frame.length() * 2;
        }
    }

    final StreamKey stream;
    final List<Held> held = new ArrayList<>();

    Replay(StreamKey stream) {
        this.stream = stream;
    }
}
