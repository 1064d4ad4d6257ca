package io.switchboard.protocol;

/** What a {@code presence} frame announces: a user's first connection joined a room, or its last one left. */
public enum PresenceEvent {
    JOIN("join"),
    LEAVE("leave");

    private final String wireName;

    PresenceEvent(String wireName) {
        this.wireName = wireName;
    }

    /** The {@code event} field of the frame. */
    public String wireName() {
        return wireName;
    }

    /** The event a wire name (as a Redis script answers it) stands for; throws on any other text. */
    public static PresenceEvent fromWire(String name) {
        for (PresenceEvent event : values()) {
            if (event.wireName.equals(name)) {
                return event;
            }
        }
        throw new IllegalArgumentException("not a presence event: " + name);
    }
}
