package io.switchboard.config;

/** A {@code host:port} address from a setting; immutable. */
public record HostPort(String host, int port) {

    /** Parses {@code host:port} (an IPv6 host in brackets); {@code key} names the setting in the error. */
    public static HostPort parse(String key, String entry) {
        int colon = entry.lastIndexOf(':');
        String host = colon > 0 ? entry.substring(0, colon) : "";
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        try {
            int port = Integer.parseInt(entry.substring(colon + 1));
            if (!host.isEmpty() && port > 0 && port < 65536) {
                return new HostPort(host, port);
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalStateException(key + " must list host:port entries separated by commas; not one: '" + entry + "'");
    }
}
