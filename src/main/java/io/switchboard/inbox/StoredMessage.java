package io.switchboard.inbox;

import io.switchboard.protocol.MessageId;

/** A message kept in a user's inbox: its id and the finished frame, as delivered live. Immutable. */
public record StoredMessage(MessageId id, String frame) {
}
