package io.switchboard.routing;

import java.util.List;

/** A user's connections across the gateway and the nodes holding them. Immutable. */
public record UserPresence(String user, int connections, List<String> nodes) {

    public UserPresence {
        nodes = List.copyOf(nodes);
    }

    public boolean online() {
        return connections > 0;
    }
}
