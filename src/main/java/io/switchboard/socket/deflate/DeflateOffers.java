package io.switchboard.socket.deflate;

import jakarta.websocket.Extension;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Reads the permessage-deflate offers (RFC 7692 section 7) of a handshake and picks the first one this
 * server can honour. The answer always carries {@code server_no_context_takeover} and
 * {@code client_no_context_takeover}, which any client must accept. An offer is declined when it asks
 * for a server window under 15 bits ({@link java.util.zip.Deflater} always uses 15) or carries a
 * parameter that is unknown, repeated or has a bad value.
 */
public final class DeflateOffers {
    /** The extension token. */
    public static final String NAME = "permessage-deflate";
    static final String SERVER_NO_CONTEXT_TAKEOVER = "server_no_context_takeover";
    static final String CLIENT_NO_CONTEXT_TAKEOVER = "client_no_context_takeover";
    static final String SERVER_MAX_WINDOW_BITS = "server_max_window_bits";
    static final String CLIENT_MAX_WINDOW_BITS = "client_max_window_bits";

    /** What the server answers to the offer it accepts. */
    static final List<Extension.Parameter> RESPONSE = List.of(
            new Flag(SERVER_NO_CONTEXT_TAKEOVER), new Flag(CLIENT_NO_CONTEXT_TAKEOVER));

    private DeflateOffers() {
    }

    /** The first acceptable permessage-deflate offer among the requested extensions, if any. */
    public static Optional<Extension> firstAcceptable(List<Extension> requested) {
        if (requested == null) {
            return Optional.empty();
        }
        return requested.stream().filter(DeflateOffers::acceptable).findFirst();
    }

    static boolean acceptable(Extension offer) {
        if (!NAME.equals(offer.getName())) {
            return false;
        }
        Set<String> seen = new HashSet<>();
        for (Extension.Parameter parameter : offer.getParameters()) {
            String name = parameter.getName();
            String value = unquoted(parameter.getValue());
            if (!seen.add(name)) {
                return false;
            }
            boolean valid = switch (name) {
                case SERVER_NO_CONTEXT_TAKEOVER, CLIENT_NO_CONTEXT_TAKEOVER -> value == null;
                // a bare client_max_window_bits only says the client could honour a limit; we set none
                case CLIENT_MAX_WINDOW_BITS -> value == null || windowBits(value) > 0;
                case SERVER_MAX_WINDOW_BITS -> windowBits(value) == 15;
                default -> false;
            };
            if (!valid) {
                return false;
            }
        }
        return true;
    }

    /** 8..15, or -1 for anything else (RFC 7692 section 7.1.2: no leading zeros, no sign). */
    private static int windowBits(String value) {
        if (value == null || !value.matches("[1-9][0-9]?")) {
            return -1;
        }
        int bits = Integer.parseInt(value);
        return bits >= 8 && bits <= 15 ? bits : -1;
    }

    private static String unquoted(String value) {
        if (value != null && value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
            return value.substring(1, value.length() - 1);
        }
        return value == null || value.isEmpty() ? null : value;
    }

    /** A parameter without a value. */
    private record Flag(String name) implements Extension.Parameter {
        @Override
        public String getName() {
            return name;
        }

        @Override
        public String getValue() {
            return null;
        }
    }
}
