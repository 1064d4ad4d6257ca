package io.switchboard.protocol;

import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.util.Optional;

/** Turns a client text frame into a {@link ClientCommand}, or throws a {@link ProtocolException}. Stateless. */
public final class CommandDecoder {
    private final int maxRecipients;

    public CommandDecoder(int maxRecipients) {
        this.maxRecipients = maxRecipients;
    }

    public ClientCommand decode(String text) {
        JsonObject frame = JsonFields.parseObject(text);
        JsonValue id = frame.get("id");
        if (id != null && !isValidId(id)) {
            throw new ProtocolException(ErrorCode.INVALID_FRAME, "Field 'id' must be a string or a number");
        }
        try {
            String type = JsonFields.requiredString(frame, "type");
            return switch (type) {
                case "message" -> new ClientCommand.SendMessage(id,
                        JsonFields.userList(frame, "to", maxRecipients),
                        JsonFields.requiredValue(frame, "content"), JsonFields.optionalBoolean(frame, "store", true));
                case "broadcast" -> new ClientCommand.Broadcast(id, JsonFields.requiredValue(frame, "content"));
                case "ping" -> new ClientCommand.Ping(id);
                case "auth" -> new ClientCommand.Authenticate(id, JsonFields.requiredString(frame, "token"));
                case "ack" -> new ClientCommand.Acknowledge(id,
                        MessageId.parse(JsonFields.requiredString(frame, "upTo"), "upTo"));
                case "join" -> new ClientCommand.Join(id, JsonFields.roomName(frame, "room"), optionalId(frame, "since"));
                case "history" -> new ClientCommand.History(id, JsonFields.roomName(frame, "room"), optionalId(frame, "since"),
                        JsonFields.optionalPositiveInt(frame, "limit"));
                case "leave" -> new ClientCommand.Leave(id, JsonFields.roomName(frame, "room"));
                case "rooms" -> new ClientCommand.ListRooms(id,
                        frame.containsKey("after") ? Optional.of(JsonFields.roomName(frame, "after")) : Optional.empty(),
                        roomPageSize(frame));
                case "publish" -> new ClientCommand.Publish(id, JsonFields.roomName(frame, "room"),
                        JsonFields.requiredValue(frame, "content"), JsonFields.optionalBoolean(frame, "echo", true));
                default -> throw new ProtocolException(ErrorCode.UNKNOWN_TYPE, "Unknown frame type '" + truncate(type) + "'");
            };
        } catch (ProtocolException e) {
            throw e.withRequestId(id);
        }
    }

    private static Optional<MessageId> optionalId(JsonObject frame, String field) {
        return frame.containsKey(field)
                ? Optional.of(MessageId.parse(JsonFields.requiredString(frame, field), field))
                : Optional.empty();
    }

    private static int roomPageSize(JsonObject frame) {
        int limit = JsonFields.optionalPositiveInt(frame, "limit").orElse(ClientCommand.ListRooms.MAX_LIMIT);
        if (limit > ClientCommand.ListRooms.MAX_LIMIT) {
            throw new ProtocolException(ErrorCode.INVALID_FRAME,
                    "Field 'limit' must be at most " + ClientCommand.ListRooms.MAX_LIMIT);
        }
        return limit;
    }

    private static boolean isValidId(JsonValue id) {
        return id.getValueType() == JsonValue.ValueType.STRING || id.getValueType() == JsonValue.ValueType.NUMBER;
    }

    private static String truncate(String s) {
        return s.length() > 64 ? s.substring(0, 64) + "…" : s;
    }
}
