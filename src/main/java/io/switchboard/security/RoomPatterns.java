package io.switchboard.security;

import java.util.List;

/**
 * Room names a token allows, from a claim such as {@code "rooms":["lobby","team-42:*"]}: an entry is an
 * exact room name, or a prefix when it ends with {@code *} ({@code "*"} alone allows every room).
 * Immutable.
 */
public record RoomPatterns(List<String> patterns) {

    public RoomPatterns {
        patterns = List.copyOf(patterns);
    }

    public boolean allows(String room) {
        for (String pattern : patterns) {
            if (pattern.endsWith("*")
                    ? room.startsWith(pattern.substring(0, pattern.length() - 1))
                    : room.equals(pattern)) {
                return true;
            }
        }
        return false;
    }
}
