package io.switchboard.connection;

import java.util.Objects;

/**
 * One ordered stream of stored messages a connection receives: its user's inbox, or one room's history.
 * Watermarks and replay hold-backs are kept per stream, so a replay of one never holds up or drops the
 * messages of another. Immutable.
 */
public record StreamKey(String room) {
    /** The connection's user's inbox (direct messages). */
    public static final StreamKey INBOX = new StreamKey(null);

    /** The history of one room. */
    public static StreamKey room(String room) {
        return new StreamKey(Objects.requireNonNull(room, "room"));
    }

    @Override
    public String toString() {
        return room == null ? "inbox" : "room " + room;
    }
}
