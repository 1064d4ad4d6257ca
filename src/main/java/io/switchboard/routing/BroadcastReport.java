package io.switchboard.routing;

/**
 * A broadcast's id and how many connections it was handed to (in a cluster: this node's count plus the
 * other live nodes' connection counts as of their last heartbeat). {@code relayUnavailable}: only this
 * node's connections got it.
 */
public record BroadcastReport(String messageId, int connections, boolean relayUnavailable) {
}
