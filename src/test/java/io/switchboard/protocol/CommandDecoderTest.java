package io.switchboard.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import jakarta.json.Json;
import jakarta.json.JsonValue;
import java.util.List;
import org.junit.jupiter.api.Test;

class CommandDecoderTest {
    private final CommandDecoder decoder = new CommandDecoder(3);

    private ProtocolException refused(String frame) {
        return assertThrows(ProtocolException.class, () -> decoder.decode(frame));
    }

    @Test
    void decodesDirectMessageDeduplicatingRecipientsInOrder() {
        ClientCommand command = decoder.decode("{\"type\":\"message\",\"id\":\"x\",\"to\":[\"bob\",\"amy\",\"bob\"],"
                + "\"content\":{\"a\":[1,null]},\"from\":\"ignored\"}");
        ClientCommand.SendMessage message = assertInstanceOf(ClientCommand.SendMessage.class, command);
        assertEquals(Json.createValue("x"), message.id());
        assertEquals(List.of("bob", "amy"), message.to());
        assertEquals(Json.createReader(new java.io.StringReader("{\"a\":[1,null]}")).readObject(), message.content());
    }

    @Test
    void acceptsNullContentAndNumericIds() {
        ClientCommand.Broadcast broadcast = assertInstanceOf(ClientCommand.Broadcast.class,
                decoder.decode("{\"type\":\"broadcast\",\"id\":12,\"content\":null}"));
        assertEquals(JsonValue.NULL, broadcast.content());
        assertEquals(Json.createValue(12), broadcast.id());
        assertNull(decoder.decode("{\"type\":\"ping\"}").id());
    }

    @Test
    void refusesNonJsonAndNonObjects() {
        assertEquals(ErrorCode.INVALID_JSON, refused("{").code());
        assertEquals(ErrorCode.INVALID_JSON, refused("").code());
        assertEquals(ErrorCode.INVALID_JSON, refused("\"text\"").code());
        assertEquals(ErrorCode.INVALID_JSON, refused("{} {}").code());
    }

    @Test
    void refusesMissingAndIllTypedFieldsNamingThemAndEchoingTheId() {
        ProtocolException noTo = refused("{\"type\":\"message\",\"id\":5,\"content\":1}");
        assertEquals(ErrorCode.INVALID_FRAME, noTo.code());
        assertEquals("Field 'to' is required", noTo.getMessage());
        assertEquals(Json.createValue(5), noTo.requestId());
        assertEquals("Field 'to[1]' must be a string, got a number",
                refused("{\"type\":\"message\",\"to\":[\"a\",2],\"content\":1}").getMessage());
        assertEquals(ErrorCode.INVALID_FRAME, refused("{\"type\":\"message\",\"to\":[\"\"],\"content\":1}").code());
        assertEquals(ErrorCode.INVALID_FRAME, refused("{\"type\":\"message\",\"to\":[\"a\\u0000b\"],\"content\":1}").code());
        assertEquals(ErrorCode.INVALID_FRAME, refused("{\"type\":\"message\",\"to\":[\"" + "u".repeat(257) + "\"],\"content\":1}").code());
        assertEquals(ErrorCode.INVALID_FRAME, refused("{\"type\":\"broadcast\"}").code());
        assertEquals(ErrorCode.INVALID_FRAME, refused("{\"type\":true}").code());
        assertEquals(ErrorCode.INVALID_FRAME, refused("{\"type\":\"ping\",\"id\":[1]}").code());
    }

    @Test
    void refusesUnknownTypesAndTooManyRecipients() {
        ProtocolException unknown = refused("{\"type\":\"shout\",\"id\":\"q\"}");
        assertEquals(ErrorCode.UNKNOWN_TYPE, unknown.code());
        assertEquals(Json.createValue("q"), unknown.requestId());
        assertEquals(ErrorCode.TOO_MANY_RECIPIENTS,
                refused("{\"type\":\"message\",\"to\":[\"a\",\"b\",\"c\",\"d\"],\"content\":1}").code());
    }
}
