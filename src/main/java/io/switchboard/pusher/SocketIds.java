package io.switchboard.pusher;

import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/**
 * Pusher socket ids, {@code <digits>.<digits>} as pusher-js and the server libraries expect them (they sign
 * them into channel authorisations). Random, not secret: a subscription is bound to its socket by the app's
 * signature, not by the id being hard to guess.
 */
public final class SocketIds {
    private static final Pattern FORM = Pattern.compile("\\d{1,20}\\.\\d{1,20}");

    private SocketIds() {
    }

    /** A new socket id. */
    public static String next() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        return random.nextLong(1, 10_000_000_000L) + "." + random.nextLong(1, 10_000_000_000L);
    }

    /** Whether {@code socketId} has the form of a socket id (as the HTTP API checks an excluded {@code socket_id}). */
    public static boolean wellFormed(String socketId) {
        return socketId != null && FORM.matcher(socketId).matches();
    }
}
