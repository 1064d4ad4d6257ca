package io.switchboard.routing;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Map;

/** The single-node broker: every envelope is delivered on this node, synchronously (enqueue only). */
@ApplicationScoped
public class InMemoryBroker implements Broker {

    @Inject
    LocalDelivery localDelivery;

    public InMemoryBroker() {
    }

    InMemoryBroker(LocalDelivery localDelivery) {
        this.localDelivery = localDelivery;
    }

    @Override
    public Map<String, Integer> publish(Envelope envelope) {
        return localDelivery.deliver(envelope);
    }
}
