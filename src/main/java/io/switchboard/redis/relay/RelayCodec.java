package io.switchboard.redis.relay;

import java.util.Arrays;
import java.util.List;

/**
 * The relay payload on Redis channels: {@code origin␟sentAtMillis \n kind targets \n frame}, targets separated by
 * U+001F. The frame is the finished JSON text, passed through untouched: a receiving node never parses
 * it. User ids cannot contain control characters and room names are plain identifiers (both are
 * validated), so the separators are safe.
 */
public final class RelayCodec {
    private static final char UNIT_SEPARATOR = '\u001f';

    /** What a relayed payload asks the receiving node to do. */
    public enum Kind {
        /** Deliver the frame to every connection of the target users. */
        USERS('@'),
        /** Deliver stored message targets[0] (its id) to every connection of users targets[1..]. */
        STORED('$'),
        /** Deliver the frame to every connection (no targets). */
        EVERYONE('*'),
        /** Deliver the frame to the members of room targets[0], except connection targets[1] ("" for none). */
        ROOM('#'),
        /** Remove user targets[1] from room targets[0] (no frame). */
        KICK('!'),
        /** Close every connection of user targets[0] with close code targets[1] (no frame). */
        DISCONNECT('%'),
        /**
         * This member's liveness had lapsed, so other nodes stored messages for its connections without
         * relaying them (and may have reaped its presence and rooms): its connections must resume (no
         * targets, no frame). Published by this member to itself, atomically with renewing its liveness.
         */
        LAPSED('^');

        private final char tag;

        Kind(char tag) {
            this.tag = tag;
        }

        static Kind of(char tag) {
            for (Kind kind : values()) {
                if (kind.tag == tag) {
                    return kind;
                }
            }
            throw new IllegalArgumentException("unknown relay kind '" + tag + "'");
        }
    }

    /**
     * A relayed payload: the member (node run) that sent it and when (its clock, ms; -1 if not given),
     * what to do, with which targets, the frame.
     */
    record Relayed(String origin, long sentAtMillis, Kind kind, List<String> targets, String frame) {
    }

    private RelayCodec() {
    }

    /** The first line of a payload: the sending member and its clock now, for measuring relay lag. */
    public static String originHeader(String origin) {
        return origin + UNIT_SEPARATOR + System.currentTimeMillis();
    }

    public static String encode(String origin, Kind kind, List<String> targets, String frame) {
        return originHeader(origin) + '\n' + kind.tag + String.join(String.valueOf(UNIT_SEPARATOR), targets) + '\n' + frame;
    }

    static Relayed decode(String payload) {
        int first = payload.indexOf('\n');
        int second = first < 0 ? -1 : payload.indexOf('\n', first + 1);
        if (second < 0 || second == first + 1) {
            throw new IllegalArgumentException("not a relay payload");
        }
        String targets = payload.substring(first + 2, second);
        String header = payload.substring(0, first);
        int separator = header.lastIndexOf(UNIT_SEPARATOR);
        long sentAt = -1;
        if (separator >= 0) {
            try {
                sentAt = Long.parseLong(header.substring(separator + 1));
            } catch (NumberFormatException e) {
                sentAt = -1;
            }
        }
        return new Relayed(separator >= 0 ? header.substring(0, separator) : header, sentAt, Kind.of(payload.charAt(first + 1)),
                targets.isEmpty() ? List.of() : Arrays.asList(targets.split(String.valueOf(UNIT_SEPARATOR), -1)),
                payload.substring(second + 1));
    }
}
