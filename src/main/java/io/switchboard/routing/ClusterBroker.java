package io.switchboard.routing;

/** Marker of the broker that relays between nodes; selected by {@link BrokerSelector} in cluster mode. */
public interface ClusterBroker extends Broker {
}
