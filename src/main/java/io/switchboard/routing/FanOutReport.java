package io.switchboard.routing;

/**
 * A broadcast's or room message's id and how many connections it was handed to. In a cluster a
 * broadcast counts other live nodes' connections as of their last heartbeat; a room message counts the
 * member connections of the nodes that received it. {@code relayUnavailable}: only this node's
 * connections got it.
 */
public record FanOutReport(String messageId, int connections, boolean relayUnavailable) {
}
