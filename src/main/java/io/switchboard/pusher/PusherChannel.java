package io.switchboard.pusher;

import java.util.regex.Pattern;

/**
 * A Pusher channel name and what its prefix makes of it: public, {@code private-}, {@code presence-} or
 * {@code private-encrypted-} (the server relays ciphertext it cannot read), each optionally a cache channel
 * ({@code cache-}, {@code private-cache-}, {@code presence-cache-}, {@code private-encrypted-cache-}: the last
 * event goes to each new subscriber). Names are at most {@value #MAX_LENGTH} characters of letters, digits and
 * {@code _ - = @ , . ;}, as Pusher allows. Immutable.
 */
public record PusherChannel(String name, Kind kind, boolean cache) {
    /** Pusher's limit on a channel name's length. */
    public static final int MAX_LENGTH = 164;
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_\\-=@,.;]{1," + MAX_LENGTH + "}");

    /** What a subscription to the channel needs and what its events carry. */
    public enum Kind {
        /** Anyone may subscribe; only servers publish. */
        PUBLIC,
        /** A signed {@code auth} is needed; subscribers may send {@code client-} events. */
        PRIVATE,
        /** A signed {@code auth} over {@code channel_data} ({@code user_id}, {@code user_info}); members are tracked. */
        PRESENCE,
        /** As private, and the server never sees the plaintext (clients encrypt with a per-channel key). */
        PRIVATE_ENCRYPTED;

        /** Whether subscribing needs a signature from the app's backend. */
        public boolean needsAuth() {
            return this != PUBLIC;
        }

        /** Whether subscribers may send {@code client-} events on it (private and presence channels, as Pusher). */
        public boolean allowsClientEvents() {
            return this == PRIVATE || this == PRESENCE;
        }
    }

    /** The channel of this name; {@link IllegalArgumentException} for a name Pusher would refuse. */
    public static PusherChannel of(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("A channel name is 1 to " + MAX_LENGTH
                    + " letters, digits or _-=@,.; characters");
        }
        if (name.startsWith("private-encrypted-")) {
            return new PusherChannel(name, Kind.PRIVATE_ENCRYPTED, name.startsWith("private-encrypted-cache-"));
        }
        if (name.startsWith("private-")) {
            return new PusherChannel(name, Kind.PRIVATE, name.startsWith("private-cache-"));
        }
        if (name.startsWith("presence-")) {
            return new PusherChannel(name, Kind.PRESENCE, name.startsWith("presence-cache-"));
        }
        return new PusherChannel(name, Kind.PUBLIC, name.startsWith("cache-"));
    }
}
