package io.switchboard.routing;

import io.switchboard.protocol.MessageId;

/**
 * A room message or presence event on its way to a room's member connections: the encoded frame and
 * the one connection to skip ({@code excludedConnection}, null for none: the sender with echo off, or
 * the connection whose join is announced). {@code messageId} is null once relayed (the frame has it).
 * {@code storedId}: the message's id in the room's history (null for presence events and unstored
 * messages), so a connection catching up on history drops live copies it already got. Immutable.
 */
public record RoomEnvelope(String messageId, String room, String excludedConnection, String frame, MessageId storedId) {

    /** A frame that is not kept in the room's history (presence events). */
    public RoomEnvelope(String messageId, String room, String excludedConnection, String frame) {
        this(messageId, room, excludedConnection, frame, null);
    }
}
