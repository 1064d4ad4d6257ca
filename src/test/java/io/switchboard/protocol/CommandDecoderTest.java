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
    void decodesRoomListingsWithACappedPageSize() {
        ClientCommand.ListRooms all = assertInstanceOf(ClientCommand.ListRooms.class, decoder.decode("{\"type\":\"rooms\"}"));
        assertEquals(java.util.Optional.empty(), all.after());
        assertEquals(ClientCommand.ListRooms.MAX_LIMIT, all.limit());
        ClientCommand.ListRooms page = assertInstanceOf(ClientCommand.ListRooms.class,
                decoder.decode("{\"type\":\"rooms\",\"after\":\"lobby\",\"limit\":2}"));
        assertEquals(java.util.Optional.of("lobby"), page.after());
        assertEquals(2, page.limit());
        assertEquals("Field 'limit' must be at most 100", refused("{\"type\":\"rooms\",\"limit\":101}").getMessage());
        assertEquals(ErrorCode.INVALID_ROOM, refused("{\"type\":\"rooms\",\"after\":\"a b\"}").code());
    }

    @Test
    void refusesHugeNumbersWithoutWrappingOrExpandingThem() {
        assertEquals(ErrorCode.INVALID_FRAME, refused("{\"type\":\"rooms\",\"limit\":18446744073709551621}").code(),
                "2^64+5 must not wrap around to 5");
        assertEquals(ErrorCode.INVALID_FRAME, refused("{\"type\":\"history\",\"room\":\"a\",\"limit\":1e999999}").code());
        assertEquals(ErrorCode.INVALID_FRAME, refused("{\"type\":\"history\",\"room\":\"a\",\"limit\":2.5}").code());
        assertEquals(5, ((ClientCommand.ListRooms) decoder.decode("{\"type\":\"rooms\",\"limit\":5.0}")).limit());
        assertEquals(ErrorCode.INVALID_JSON, refused("{\"type\":\"rooms\",\"limit\":" + "9".repeat(2000) + "}").code(),
                "beyond the parser's number length limit");
        assertEquals(ErrorCode.INVALID_JSON, refused("[".repeat(5000) + "]".repeat(5000)).code(), "nesting too deep");
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
        assertEquals("'to[0]' is not valid Unicode (a lone surrogate)",
                refused("{\"type\":\"message\",\"to\":[\"a\\ud800\"],\"content\":1}").getMessage());
        assertEquals(List.of("\ud83d\ude00"), ((ClientCommand.SendMessage) decoder
                .decode("{\"type\":\"message\",\"to\":[\"\\ud83d\\ude00\"],\"content\":1}")).to(),
                "a surrogate pair is a character like any other");
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

    @Test
    void decodesADirectMessageAsStoredUnlessItSaysStoreFalse() {
        ClientCommand.SendMessage stored = assertInstanceOf(ClientCommand.SendMessage.class,
                decoder.decode("{\"type\":\"message\",\"to\":[\"a\"],\"content\":1}"));
        assertEquals(true, stored.store());
        ClientCommand.SendMessage transientOne = assertInstanceOf(ClientCommand.SendMessage.class,
                decoder.decode("{\"type\":\"message\",\"to\":[\"a\"],\"content\":1,\"store\":false}"));
        assertEquals(false, transientOne.store());
        assertEquals(ErrorCode.INVALID_FRAME, refused("{\"type\":\"message\",\"to\":[\"a\"],\"content\":1,\"store\":0}").code());
    }

    @Test
    void decodesRoomCommandsWithEchoOnByDefault() {
        assertEquals(new ClientCommand.Join(Json.createValue(1), "chat:lobby-1", java.util.Optional.empty()),
                decoder.decode("{\"type\":\"join\",\"id\":1,\"room\":\"chat:lobby-1\"}"));
        assertEquals(new ClientCommand.Leave(null, "a.b@c_d"), decoder.decode("{\"type\":\"leave\",\"room\":\"a.b@c_d\"}"));
        ClientCommand.Publish echoed = assertInstanceOf(ClientCommand.Publish.class,
                decoder.decode("{\"type\":\"publish\",\"room\":\"r\",\"content\":{\"x\":1}}"));
        assertEquals(true, echoed.echo());
        ClientCommand.Publish quiet = assertInstanceOf(ClientCommand.Publish.class,
                decoder.decode("{\"type\":\"publish\",\"room\":\"r\",\"content\":1,\"echo\":false}"));
        assertEquals(false, quiet.echo());
    }

    @Test
    void decodesStoredMessageCommands() {
        assertEquals(new ClientCommand.Acknowledge(null, new MessageId(17, 2)), decoder.decode("{\"type\":\"ack\",\"upTo\":\"17-2\"}"));
        assertEquals(new ClientCommand.Join(null, "r", java.util.Optional.of(new MessageId(5, 0))),
                decoder.decode("{\"type\":\"join\",\"room\":\"r\",\"since\":\"5\"}"));
        assertEquals(new ClientCommand.History(null, "r", java.util.Optional.empty(), java.util.OptionalInt.of(10)),
                decoder.decode("{\"type\":\"history\",\"room\":\"r\",\"limit\":10}"));
        assertEquals(ErrorCode.INVALID_FRAME, refused("{\"type\":\"ack\",\"upTo\":\"x-1\"}").code());
        assertEquals(ErrorCode.INVALID_FRAME, refused("{\"type\":\"ack\"}").code());
        assertEquals(ErrorCode.INVALID_FRAME, refused("{\"type\":\"history\",\"room\":\"r\",\"limit\":0}").code());
        assertEquals(ErrorCode.INVALID_FRAME, refused("{\"type\":\"history\",\"room\":\"r\",\"limit\":1.5}").code());
        assertEquals(ErrorCode.INVALID_FRAME, refused("{\"type\":\"join\",\"room\":\"r\",\"since\":7}").code());
    }

    @Test
    void refusesBadRoomNamesWithTheirOwnCode() {
        ProtocolException slash = refused("{\"type\":\"join\",\"id\":\"j\",\"room\":\"a/b\"}");
        assertEquals(ErrorCode.INVALID_ROOM, slash.code());
        assertEquals(Json.createValue("j"), slash.requestId());
        assertEquals("'room' may only contain letters, digits and _ . : @ - (found '/' at 1)", slash.getMessage());
        assertEquals(ErrorCode.INVALID_ROOM, refused("{\"type\":\"join\",\"room\":\"\"}").code());
        assertEquals(ErrorCode.INVALID_ROOM, refused("{\"type\":\"join\",\"room\":\"" + "r".repeat(129) + "\"}").code());
        assertEquals(ErrorCode.INVALID_ROOM, refused("{\"type\":\"join\",\"room\":\"a{b}\"}").code());
        assertEquals(ErrorCode.INVALID_ROOM, refused("{\"type\":\"leave\",\"room\":\"tab\\tname\"}").code());
        assertEquals(ErrorCode.INVALID_FRAME, refused("{\"type\":\"join\",\"room\":7}").code());
        assertEquals(ErrorCode.INVALID_FRAME, refused("{\"type\":\"join\"}").code());
        assertEquals(ErrorCode.INVALID_FRAME, refused("{\"type\":\"publish\",\"room\":\"r\"}").code());
        assertEquals(ErrorCode.INVALID_FRAME, refused("{\"type\":\"publish\",\"room\":\"r\",\"content\":1,\"echo\":\"no\"}").code());
    }
}
