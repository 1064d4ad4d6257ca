package io.switchboard.limits;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * The key a client address is rate-limited under. An IPv4 address is itself; an IPv6 address is its /64
 * network, because one subscriber (one home, one VM) usually gets a whole /64 and can pick any of its
 * 2^64 addresses per connection: keyed by exact address, rotation would both bypass a per-address limit
 * and fill the limiter. Stateless.
 */
public final class ClientAddresses {

    private ClientAddresses() {
    }

    /**
     * {@code address} (a literal from the TCP peer or a proxy header) as a limiter key: IPv6 literals
     * (with or without brackets or a zone) become {@code <first four groups>::/64}; IPv4-mapped IPv6
     * addresses become their IPv4 address; anything else is returned as it is. Never resolves a name.
     */
    public static String limiterKey(String address) {
        String literal = address.strip();
        if (literal.startsWith("[") && literal.endsWith("]")) {
            literal = literal.substring(1, literal.length() - 1);
        }
        int zone = literal.indexOf('%');
        if (zone >= 0) {
            literal = literal.substring(0, zone);
        }
        if (literal.indexOf(':') < 0) {
            return literal;
        }
        InetAddress parsed;
        try {
            // With a ':' in it, getByName parses an IPv6 literal and never asks DNS.
            parsed = InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            return literal; // not an address (a broken proxy header): limited as the string it is
        }
        if (!(parsed instanceof Inet6Address)) {
            return parsed.getHostAddress(); // IPv4-mapped
        }
        byte[] bytes = parsed.getAddress();
        StringBuilder network = new StringBuilder(24);
        for (int group = 0; group < 4; group++) {
            network.append(Integer.toHexString(((bytes[2 * group] & 0xff) << 8) | (bytes[2 * group + 1] & 0xff))).append(':');
        }
        return network.append(":/64").toString();
    }
}
