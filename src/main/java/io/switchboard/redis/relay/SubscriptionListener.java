package io.switchboard.redis.relay;

/**
 * What the relay subscriber tells the rest of the adapter about its subscription (the node's liveness and
 * presence, which this package does not know). All three run on the subscriber thread, in the order the
 * subscription lives them, before any relayed message after them is handled.
 */
public interface SubscriptionListener {
    /** The subscription is complete (every channel; every shard's on a Redis Cluster), before the catch-up. */
    void subscribed();

    /** The catch-up has handed local connections what was stored while not subscribed; the relay counts as up next. */
    void caughtUp();

    /** This member's lapse notice arrived on its own channel: other nodes stopped relaying to it for a while. */
    void lapseNoticed();
}
