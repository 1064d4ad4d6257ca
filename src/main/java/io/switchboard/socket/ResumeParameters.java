package io.switchboard.socket;

import io.switchboard.protocol.ErrorCode;
import io.switchboard.protocol.JsonFields;
import io.switchboard.protocol.MessageId;
import io.switchboard.protocol.ProtocolException;
import java.util.Optional;
import java.util.function.Function;

/**
 * The handshake's query parameters for stored messages: {@code since} (resume after this message id) and
 * {@code device} (the name acks are recorded under, same rules as room names; default: the connection
 * id). Checked by {@link HandshakeFilter} before the upgrade (400 when bad) and read again on open.
 */
record ResumeParameters(Optional<MessageId> since, Optional<String> device) {

    static ResumeParameters from(Function<String, String> parameter) {
        String since = parameter.apply("since");
        String device = parameter.apply("device");
        try {
            return new ResumeParameters(
                    since == null || since.isEmpty() ? Optional.empty() : Optional.of(MessageId.parse(since, "since")),
                    device == null || device.isEmpty() ? Optional.empty() : Optional.of(JsonFields.roomName(device, "device")));
        } catch (ProtocolException e) {
            throw new ProtocolException(ErrorCode.INVALID_FRAME, e.getMessage().replace("room name", "device name"));
        }
    }
}
