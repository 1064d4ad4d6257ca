package io.switchboard.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;

import jakarta.json.Json;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FramesTest {

    @Test
    void encodesTheWireContract() {
        assertEquals("{\"type\":\"welcome\",\"connectionId\":\"c1\",\"user\":\"alice\",\"node\":\"n1\",\"heartbeatMs\":25000,"
                + "\"device\":\"phone\",\"recovered\":false}", Frames.welcome("c1", "alice", "n1", 25000, "phone", false, false, 0));
        assertEquals("{\"type\":\"welcome\",\"connectionId\":\"c1\",\"user\":\"alice\",\"node\":\"n1\",\"heartbeatMs\":5,"
                + "\"device\":\"c1\"}", Frames.welcome("c1", "alice", "n1", 5, "c1", null, false, 0));
        assertEquals("{\"type\":\"welcome\",\"connectionId\":\"c1\",\"user\":\"alice\",\"node\":\"n1\",\"heartbeatMs\":5,"
                + "\"device\":\"c1\",\"stored\":\"unavailable\",\"expiresAt\":1795418924}",
                Frames.welcome("c1", "alice", "n1", 5, "c1", null, true, 1795418924));
        assertEquals("{\"type\":\"ack\",\"id\":3,\"expiresAt\":1795418924}",
                Frames.authenticated(Json.createValue(3), 1795418924));
        FrameTemplate template = Frames.messageTemplate("alice", List.of("bob"), Json.createValue("x"), 7);
        assertEquals(Frames.message("17-3", "alice", List.of("bob"), Json.createValue("x"), 7),
                template.render(new MessageId(17, 3)));
        assertEquals("{\"type\":\"acked\",\"id\":1,\"upTo\":\"5-0\"}", Frames.acked(Json.createValue(1), new MessageId(5, 0)));
        assertEquals("{\"type\":\"message\",\"id\":\"m1\",\"from\":\"alice\",\"to\":[\"bob\",\"carol\"],"
                + "\"content\":{\"t\":\"hé 👋\"},\"ts\":5}",
                Frames.message("m1", "alice", List.of("bob", "carol"), Json.createObjectBuilder().add("t", "hé 👋").build(), 5));
        Map<String, Integer> delivered = new LinkedHashMap<>();
        delivered.put("bob", 2);
        assertEquals("{\"type\":\"ack\",\"id\":7,\"messageId\":\"m1\",\"delivered\":{\"bob\":2},\"offline\":[\"carol\"]}",
                Frames.messageAck(Json.createValue(7), "m1", delivered, List.of("carol"), List.of(), List.of(), false));
        assertEquals("{\"type\":\"ack\",\"messageId\":\"m2\",\"delivered\":{},\"offline\":[],"
                + "\"undelivered\":[\"erin\"],\"relay\":\"unavailable\"}",
                Frames.messageAck(null, "m2", Map.of(), List.of(), List.of("erin"), List.of(), true));
        assertEquals("{\"type\":\"ack\",\"id\":\"b\",\"messageId\":\"m3\",\"delivered\":4}",
                Frames.fanOutAck(Json.createValue("b"), "m3", 4, false));
        assertEquals("{\"type\":\"ack\",\"messageId\":\"m4\",\"delivered\":1,\"relay\":\"unavailable\"}",
                Frames.fanOutAck(null, "m4", 1, true));
        assertEquals("{\"type\":\"error\",\"code\":403,\"reason\":\"forbidden\",\"message\":\"no\",\"id\":\"x\"}",
                Frames.error(ErrorCode.FORBIDDEN, "no", Json.createValue("x")));
        assertEquals("{\"type\":\"pong\",\"ts\":9}", Frames.pong(null, 9));
    }

    @Test
    void encodesTheRoomFrames() {
        assertEquals("{\"type\":\"message\",\"room\":\"lobby\",\"id\":\"m1\",\"from\":\"alice\",\"content\":[1],\"ts\":5}",
                Frames.roomMessage("m1", "lobby", "alice", Json.createArrayBuilder().add(1).build(), 5));
        assertEquals("{\"type\":\"joined\",\"id\":3,\"room\":\"lobby\",\"members\":2,\"users\":[\"amy\",\"bob\"]}",
                Frames.joined(Json.createValue(3), "lobby", 2, List.of("amy", "bob")));
        assertEquals("{\"type\":\"left\",\"id\":\"l\",\"room\":\"lobby\"}", Frames.left(Json.createValue("l"), "lobby", null));
        assertEquals("{\"type\":\"left\",\"room\":\"lobby\",\"reason\":\"kicked\"}", Frames.left(null, "lobby", "kicked"));
        assertEquals("{\"type\":\"presence\",\"room\":\"lobby\",\"event\":\"join\",\"user\":\"bob\",\"members\":3}",
                Frames.presence("lobby", PresenceEvent.JOIN, "bob", 3));
    }

    @Test
    void problemJsonCarriesStatusAndCode() {
        assertEquals("{\"type\":\"urn:switchboard:problem:too-large\",\"title\":\"The frame or body is larger than allowed\","
                + "\"status\":413,\"code\":\"too-large\",\"detail\":\"big\"}", ProblemJson.of(ErrorCode.TOO_LARGE, "big"));
    }
}
