package io.switchboard.socket;

import io.switchboard.protocol.ErrorCode;
import io.switchboard.protocol.JsonFields;
import io.switchboard.protocol.MessageId;
import io.switchboard.protocol.ProtocolException;
import java.util.Optional;
import java.util.function.Function;

/**
 * The handshake's query parameters: {@code since} (resume after this message id), {@code device} (the name
 * acks are recorded under, same rules as room names; default: the connection id) and {@code batch}
 * ({@code 1}: the client takes, and may send, several frames joined by {@code \n} in one WebSocket frame;
 * {@code 0} or absent: never). Checked by {@link HandshakeFilter} before the upgrade (400 when bad) and read
 * again on open.
 */
record ConnectParameters(Optional<MessageId> since, Optional<String> device, boolean batch) {

    static ConnectParameters from(Function<String, String> parameter) {
        String since = parameter.apply("since");
        String device = parameter.apply("device");
        String batch = parameter.apply("batch");
        if (batch != null && !batch.isEmpty() && !batch.equals("0") && !batch.equals("1")) {
            throw new ProtocolException(ErrorCode.INVALID_FRAME, "Query parameter 'batch' must be 0 or 1");
        }
        try {
            return new ConnectParameters(
                    since == null || since.isEmpty() ? Optional.empty() : Optional.of(MessageId.parse(since, "since")),
                    device == null || device.isEmpty() ? Optional.empty() : Optional.of(JsonFields.roomName(device, "device")),
                    "1".equals(batch));
        } catch (ProtocolException e) {
            throw new ProtocolException(ErrorCode.INVALID_FRAME, e.getMessage().replace("room name", "device name"));
        }
    }
}
