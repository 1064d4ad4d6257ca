package io.switchboard.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.config.SwitchboardConfig;
import io.switchboard.connection.Connection;
import io.switchboard.connection.RecordingSink;
import io.switchboard.connection.SendQueueLimits;
import io.switchboard.inbox.Idempotency;
import io.switchboard.inbox.Inbox;
import io.switchboard.inbox.StoredMessage;
import io.switchboard.protocol.ErrorCode;
import io.switchboard.protocol.MessageId;
import io.switchboard.protocol.ProtocolException;
import io.switchboard.security.Identity;
import io.switchboard.testing.Eventually;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.io.StringReader;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * "Store and deliver", the default path of a direct message, as every broker must do it: the in-memory one
 * (Java) and the Redis one (the Lua store script and the relay) agree on ids, reports and order. Each subclass
 * wires its broker under a {@link MessageRouter} and says how a recipient connects and how its store is read.
 */
public abstract class StoreAndDeliverContract {
    private static final Duration DELIVERY = Duration.ofSeconds(5);

    /** A connection of a recipient, held by the node under test, and the frames it was sent. */
    protected record Client(Connection connection, RecordingSink sink) {
        List<JsonObject> messages() {
            List<JsonObject> frames = new ArrayList<>();
            synchronized (sink.sent) {
                for (String frame : sink.sent) {
                    JsonObject json = Json.createReader(new StringReader(frame)).readObject();
                    if (json.getString("type").equals("message")) {
                        frames.add(json);
                    }
                }
            }
            return frames;
        }
    }

    /** The router over the broker under test (a sender's messages go through it in call order). */
    protected abstract MessageRouter router();

    /** The store the broker writes to. */
    protected abstract Inbox inbox();

    /**
     * Registers a connection of {@code user} on the node under test, as the socket endpoint does, and returns it
     * once the broker routes to it; the user then counts as known.
     */
    protected abstract Client connect(String user) throws Exception;

    /** The user connected once, long enough ago that no connection is left: it counts as known. */
    protected abstract void knownButOffline(String user) throws Exception;

    /** A router over {@code broker}, for subclasses outside this package. */
    protected static MessageRouter routerOver(Broker broker, SwitchboardConfig config) {
        return new MessageRouter(broker, config, Clock.systemUTC());
    }

    /** A connection whose frames are recorded, sent on the calling thread. */
    protected static Client recordedConnection(String user) {
        RecordingSink sink = RecordingSink.fast();
        Connection connection = new Connection("c-" + UUID.randomUUID(), new Identity(user, Set.of(), 0), sink,
                new SendQueueLimits(1000, 10_000_000), (closed, code) -> { }, 0);
        return new Client(connection, sink);
    }

    private static String unique(String name) {
        return name + "-" + UUID.randomUUID();
    }

    private DeliveryReport send(String from, List<String> to, String text, Idempotency idempotency, boolean knownOnly) {
        return await(router().sendDirect(from, to, Json.createValue(text), true, idempotency, knownOnly));
    }

    private static DeliveryReport await(CompletionStage<DeliveryReport> stage) {
        try {
            return stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            throw e.getCause() instanceof RuntimeException runtime ? runtime : new CompletionException(e.getCause());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private List<MessageId> storedIds(String user) {
        return inbox().read(user, MessageId.ZERO, 100).stream().map(StoredMessage::id).toList();
    }

    @Test
    void storesEachMessageUnderAnIncreasingIdAndDeliversItToEveryConnectionOfTheRecipientInThatOrder() throws Exception {
        String alice = unique("alice");
        String bob = unique("bob");
        Client phone = connect(bob);
        Client laptop = connect(bob);
        List<CompletableFuture<DeliveryReport>> sent = new ArrayList<>();
        for (int i = 0; i < 20; i++) { // not awaited one by one: a sender's messages keep their call order
            sent.add(router().sendDirect(alice, List.of(bob), Json.createValue("m" + i), true, null, false).toCompletableFuture());
        }
        List<DeliveryReport> reports = sent.stream().map(StoreAndDeliverContract::await).toList();

        List<MessageId> ids = reports.stream().map(report -> MessageId.parse(report.messageId(), "report")).toList();
        for (int i = 1; i < ids.size(); i++) {
            assertTrue(ids.get(i).isAfter(ids.get(i - 1)), "ids increase in call order: " + ids);
        }
        for (DeliveryReport report : reports) {
            assertEquals(Map.of(bob, 2), report.delivered(), "both connections got it live");
            assertEquals(List.of(), report.offline());
            assertFalse(report.duplicate());
        }
        for (Client connection : List.of(phone, laptop)) {
            Eventually.within(DELIVERY, "every message reached " + connection.connection(), () -> connection.messages().size() == 20);
            List<JsonObject> frames = connection.messages();
            for (int i = 0; i < 20; i++) {
                assertEquals(ids.get(i).toString(), frames.get(i).getString("id"), "delivered in id order, under the reported id");
                assertEquals("m" + i, frames.get(i).getString("content"));
                assertEquals(alice, frames.get(i).getString("from"));
            }
        }
        assertEquals(ids, storedIds(bob), "the inbox holds them under the same ids, in the same order");
        List<StoredMessage> stored = inbox().read(bob, MessageId.ZERO, 100);
        assertEquals(phone.sink().sent.stream().filter(frame -> frame.contains("\"type\":\"message\"")).toList(),
                stored.stream().map(StoredMessage::frame).toList(), "a replay sends exactly the frames delivered live");
    }

    @Test
    void storesForAnOfflineRecipientAndReportsItOfflineWhileAnOnlineOneGetsTheSameId() throws Exception {
        String alice = unique("alice");
        String bob = unique("bob");
        String carol = unique("carol");
        Client bobs = connect(bob);
        knownButOffline(carol);

        DeliveryReport report = send(alice, List.of(bob, carol), "hello", null, false);

        assertEquals(Map.of(bob, 1), report.delivered());
        assertEquals(List.of(carol), report.offline());
        MessageId id = MessageId.parse(report.messageId(), "report");
        assertEquals(List.of(id), storedIds(bob));
        assertEquals(List.of(id), storedIds(carol), "one message, one id in every recipient's inbox");
        Eventually.within(DELIVERY, "bob got it live", () -> bobs.messages().size() == 1);
        JsonObject frame = bobs.messages().get(0);
        assertEquals(id.toString(), frame.getString("id"));
        assertEquals(List.of(bob, carol), frame.getJsonArray("to").getValuesAs(JsonValue::toString).stream()
                .map(quoted -> quoted.substring(1, quoted.length() - 1)).toList());
    }

    @Test
    void aRepeatedIdempotencyKeyAnswersTheFirstIdAndStoresNothingMoreAndAnotherRequestUnderItIsAConflict() throws Exception {
        String alice = unique("alice");
        String bob = unique("bob");
        Client bobs = connect(bob);
        String keyName = unique("key");
        Idempotency key = Idempotency.of("backend", keyName, "request-1");

        DeliveryReport first = send(alice, List.of(bob), "once", key, false);
        DeliveryReport again = send(alice, List.of(bob), "once", key, false);

        assertFalse(first.duplicate());
        assertTrue(again.duplicate(), "the retry is recognised");
        assertEquals(first.messageId(), again.messageId(), "and answered with the first id");
        assertEquals(Map.of(), again.delivered(), "nothing is delivered again");
        assertEquals(1, storedIds(bob).size(), "nor stored again");
        ProtocolException conflict = assertInstanceOf(ProtocolException.class, org.junit.jupiter.api.Assertions.assertThrows(
                RuntimeException.class, () -> send(alice, List.of(bob), "other", Idempotency.of("backend", keyName, "request-2"),
                        false)));
        assertEquals(ErrorCode.IDEMPOTENCY_CONFLICT, conflict.code());
        assertEquals(1, storedIds(bob).size());
        Eventually.within(DELIVERY, "bob got it once", () -> bobs.messages().size() == 1);
    }

    @Test
    void withKnownRecipientsOnlyAUserWhoNeverConnectedGetsNothingStoredAndIsReportedUnknown() throws Exception {
        String alice = unique("alice");
        String carol = unique("carol");
        String stranger = unique("stranger");
        knownButOffline(carol);

        DeliveryReport report = send(alice, List.of(carol, stranger), "hi", null, true);

        assertEquals(List.of(stranger), report.unknown());
        assertEquals(List.of(carol), report.offline());
        assertEquals(List.of(MessageId.parse(report.messageId(), "report")), storedIds(carol));
        assertEquals(List.of(), storedIds(stranger), "nothing is kept for an id that never connected");
    }
}
