package io.switchboard.redis;

import java.util.Arrays;
import java.util.List;

/**
 * The relay payload on Redis channels: {@code origin \n recipients \n frame}, recipients separated by
 * U+001F. The frame is the finished JSON text, passed through untouched: a receiving node never parses
 * it. User ids cannot contain control characters (they are validated), so the separators are safe.
 */
final class RelayCodec {
    private static final char UNIT_SEPARATOR = '\u001f';

    /** A relayed envelope: the node that sent it, the recipients (empty for a broadcast), the frame. */
    record Relayed(String origin, List<String> recipients, String frame) {
    }

    private RelayCodec() {
    }

    static String encode(String origin, List<String> recipients, String frame) {
        return origin + '\n' + String.join(String.valueOf(UNIT_SEPARATOR), recipients) + '\n' + frame;
    }

    static Relayed decode(String payload) {
        int first = payload.indexOf('\n');
        int second = first < 0 ? -1 : payload.indexOf('\n', first + 1);
        if (second < 0) {
            throw new IllegalArgumentException("not a relay payload");
        }
        String recipients = payload.substring(first + 1, second);
        return new Relayed(payload.substring(0, first),
                recipients.isEmpty() ? List.of() : Arrays.asList(recipients.split(String.valueOf(UNIT_SEPARATOR))),
                payload.substring(second + 1));
    }
}
