package io.switchboard.routing;

/** A broadcast's id and how many connections it was handed to. */
public record BroadcastReport(String messageId, int connections) {
}
