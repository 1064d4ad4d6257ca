package io.switchboard.routing;

/**
 * A room message or presence event on its way to a room's member connections: the encoded frame and
 * the one connection to skip ({@code excludedConnection}, null for none: the sender with echo off, or
 * the connection whose join is announced). {@code messageId} is null once relayed (the frame has it).
 * Immutable.
 */
public record RoomEnvelope(String messageId, String room, String excludedConnection, String frame) {
}
