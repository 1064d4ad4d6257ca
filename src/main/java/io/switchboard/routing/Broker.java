package io.switchboard.routing;

import java.util.Map;

/**
 * Carries envelopes to every node that has recipients (this issue: only this node) and reports, per
 * recipient, how many connections got the frame. Implementations: {@link InMemoryBroker}; a Redis broker
 * joins for clusters. Called from WebSocket and request threads; must not block on slow clients.
 */
public interface Broker {

    /** Publishes and returns connection counts per recipient (for a broadcast, one entry keyed "*"). */
    Map<String, Integer> publish(Envelope envelope);
}
