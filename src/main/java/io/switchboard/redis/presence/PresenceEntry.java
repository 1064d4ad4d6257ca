package io.switchboard.redis.presence;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * One connection's presence in Redis: the value {@code node|expiresAtMillis} of its field in the user's
 * hash. Entries count only while unexpired and while their node is alive, so a crashed node's
 * connections vanish on their own even before their keys expire.
 */
public record PresenceEntry(String node, long expiresAtMillis) {

    public static String encode(String node, long expiresAtMillis) {
        return node + "|" + expiresAtMillis;
    }

    /** Null for a value that is not an entry (never written by us). */
    static PresenceEntry decode(String value) {
        int bar = value.lastIndexOf('|');
        if (bar <= 0) {
            return null;
        }
        try {
            return new PresenceEntry(value.substring(0, bar), Long.parseLong(value.substring(bar + 1)));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** Connection counts per live node from a user's hash values. Iteration order: first seen. */
    static Map<String, Integer> countsByNode(Iterable<String> values, Set<String> liveNodes, long nowMillis) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (String value : values) {
            PresenceEntry entry = decode(value);
            if (entry != null && entry.expiresAtMillis() > nowMillis && liveNodes.contains(entry.node())) {
                counts.merge(entry.node(), 1, Integer::sum);
            }
        }
        return counts;
    }

}
