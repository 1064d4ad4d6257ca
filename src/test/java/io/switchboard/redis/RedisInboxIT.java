package io.switchboard.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.config.SwitchboardConfig;
import io.switchboard.config.TestConfig;
import io.switchboard.inbox.StoredMessage;
import io.switchboard.protocol.ErrorCode;
import io.switchboard.protocol.MessageId;
import io.switchboard.protocol.ProtocolException;
import io.switchboard.testing.process.RedisServer;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * The inbox scripts and reads against a real redis-server, without Payara: ids, retention and what it
 * reports, idempotency keys, cursors. Nobody is subscribed here, so every store is "offline".
 */
class RedisInboxIT {
    private static RedisServer redis;
    private RedisClient client;
    private RedisInbox inbox;
    private SwitchboardConfig config;

    @BeforeAll
    static void startRedis() throws Exception {
        redis = RedisServer.start(Path.of("target", "redis-inbox-it"));
    }

    @AfterAll
    static void stopRedis() throws Exception {
        redis.close();
    }

    @BeforeEach
    void connect() {
        config = TestConfig.cluster(redis.url(), "node-a", 5000, 1000);
        client = new RedisClient();
        client.config = config;
        RelayState state = new RelayState();
        state.subscribed();
        inbox = new RedisInbox();
        inbox.redis = client;
        inbox.state = state;
        inbox.config = config;
    }

    @AfterEach
    void close() {
        client.close();
    }

    /** Runs the store script as the broker does; returns its reply. */
    private List<?> store(int maxEntries, String idempotencyKey, String content, String... recipients) {
        return store(maxEntries, 60_000, idempotencyKey, content, recipients);
    }

    private List<?> store(int maxEntries, long maxAgeMs, String idempotencyKey, String content, String... recipients) {
        return (List<?>) InboxScripts.STORE.run(client.commands(), InboxScripts.storeKeys(RedisSlots.UNSHARDED),
                InboxScripts.storeArguments(maxEntries, maxAgeMs, idempotencyKey == null ? "" : idempotencyKey, 60_000,
                        "{\"type\":\"message\",\"id\":\"", "\",\"content\":\"" + content + "\"}", "node-a~test",
                        "digest-of-" + content, false, List.of(recipients), RedisSlots.UNSHARDED));
    }

    private static String user() {
        return "u-" + UUID.randomUUID();
    }

    @Test
    void storesOneCopyPerRecipientWithOneGrowingIdRenderedIntoTheFrame() {
        String bob = user();
        String amy = user();
        String first = (String) store(100, null, "one", bob, amy).get(1);
        String second = (String) store(100, null, "two", bob).get(1);
        assertTrue(MessageId.parse(second, "id").isAfter(MessageId.parse(first, "id")));
        List<StoredMessage> bobs = inbox.read(bob, MessageId.ZERO, 10);
        assertEquals(List.of(first, second), bobs.stream().map(m -> m.id().toString()).toList());
        assertEquals("{\"type\":\"message\",\"id\":\"" + first + "\",\"content\":\"one\"}", bobs.get(0).frame());
        assertEquals(1, inbox.read(amy, MessageId.ZERO, 10).size());
        assertEquals(List.of(second), inbox.read(bob, MessageId.parse(first, "id"), 10).stream()
                .map(m -> m.id().toString()).toList());
        List<?> reply = store(100, null, "three", bob);
        assertEquals(List.of(), reply.get(2), "nobody online: no delivery counts");
        assertEquals(List.of(), reply.get(3), "and nobody undelivered: offline");
    }

    @Test
    void keepsEachUsersKeysApartWhateverItsNameHolds() {
        String victim = user();
        for (int i = 0; i < 30; i++) {
            store(10, null, "v" + i, victim);
        }
        MessageId trimmed = inbox.trimmedUpTo(victim);
        assertTrue(trimmed.isAfter(MessageId.ZERO), "the victim has a trimmed marker");
        List<StoredMessage> before = inbox.read(victim, MessageId.ZERO, 100);
        String attacker = (String) store(10, null, "x", victim + ":trimmed", victim + "}", "{" + victim).get(1);
        assertEquals(trimmed, inbox.trimmedUpTo(victim), "the marker is untouched");
        assertEquals(before, inbox.read(victim, MessageId.ZERO, 100), "and so is the inbox");
        for (String name : List.of(victim + ":trimmed", victim + "}", "{" + victim, "zoë-ünïcode-" + victim, "日本-" + victim)) {
            String id = (String) store(10, null, "to-" + name.length(), name).get(1);
            assertEquals(List.of(id), inbox.read(name, MessageId.parse(attacker, "id"), 10).stream()
                    .filter(m -> m.id().toString().equals(id)).map(m -> m.id().toString()).toList(),
                    "the script and Java name " + name + "'s inbox alike");
        }
    }

    @Test
    void storesForKnownRecipientsOnlyWhenAskedAndListsTheOthers() {
        String known = user();
        String online = user();
        String stranger = user();
        client.commands().psetex(RedisKeys.known(known), 60_000, "1");
        client.commands().hset(RedisKeys.presence(online), "c1", PresenceEntry.encode("node-z~gone", System.currentTimeMillis() + 60_000));
        List<?> reply = (List<?>) InboxScripts.STORE.run(client.commands(), InboxScripts.storeKeys(RedisSlots.UNSHARDED),
                InboxScripts.storeArguments(10, 60_000, "", 60_000, "{\"id\":\"", "\"}", "node-a~test", "", true,
                        List.of(known, stranger, online), RedisSlots.UNSHARDED));
        assertEquals(List.of(stranger), reply.get(4));
        assertEquals(1, inbox.read(known, MessageId.ZERO, 10).size());
        assertEquals(1, inbox.read(online, MessageId.ZERO, 10).size(), "a user with a presence entry is known");
        assertEquals(List.of(), inbox.read(stranger, MessageId.ZERO, 10));
        assertEquals(Boolean.FALSE, client.commands().exists(RedisKeys.inbox(stranger)), "no key made for the stranger");
        assertEquals(List.of(), store(10, null, "policy off", stranger).get(4));
        assertEquals(1, inbox.read(stranger, MessageId.ZERO, 10).size());
    }

    @Test
    void failsARequestThatMeetsWrongDataWithAnInternalErrorAndStaysUp() {
        String broken = user();
        client.commands().set(RedisKeys.inbox(broken), "not a stream");
        ProtocolException refused = assertThrows(ProtocolException.class, () -> inbox.read(broken, MessageId.ZERO, 10));
        assertEquals(ErrorCode.INTERNAL, refused.code());
        assertTrue(inbox.state.isUp(), "a data error is not an outage");
        String other = user();
        store(10, null, "fine", other);
        assertEquals(1, inbox.read(other, MessageId.ZERO, 10).size(), "everyone else is served");
    }

    @Test
    void reportsWhatRetentionRemoved() {
        String bob = user();
        String first = (String) store(10, null, "m0", bob).get(1);
        for (int i = 1; i < 300; i++) {
            store(10, null, "m" + i, bob);
        }
        MessageId trimmed = inbox.trimmedUpTo(bob);
        assertTrue(trimmed.compareTo(MessageId.parse(first, "id")) >= 0, "the oldest were removed: " + trimmed);
        List<StoredMessage> kept = inbox.read(bob, MessageId.ZERO, 1000);
        assertTrue(kept.size() >= 10 && kept.size() <= 11, "kept the limit, at most 10% more: " + kept.size());
        assertTrue(kept.get(0).id().isAfter(trimmed), "what is kept starts right after what was removed");
        assertEquals("m299", kept.get(kept.size() - 1).frame().replaceAll(".*content\":\"(m\\d+)\".*", "$1"));
        assertEquals(MessageId.ZERO, inbox.trimmedUpTo(user()), "nothing stored, nothing trimmed");
    }

    @Test
    void removesAndReportsMessagesOlderThanTheRetentionAge() throws Exception {
        String bob = user();
        String old = (String) store(100, 60_000, null, "old", bob).get(1);
        Thread.sleep(30);
        String fresh = (String) store(100, 20, null, "fresh", bob).get(1); // a 20 ms age: "old" is expired
        assertEquals(MessageId.parse(old, "id"), inbox.trimmedUpTo(bob));
        assertEquals(List.of(fresh), inbox.read(bob, MessageId.ZERO, 10).stream().map(m -> m.id().toString()).toList());
    }

    @Test
    void storesARetryWithTheSameIdempotencyKeyOnce() {
        String bob = user();
        String key = "k-" + UUID.randomUUID();
        List<?> original = store(100, key, "pay", bob);
        List<?> retry = store(100, key, "pay", bob);
        assertEquals("ok", original.get(0));
        assertEquals(List.of("dup", original.get(1)), retry);
        assertEquals(1, inbox.read(bob, MessageId.ZERO, 10).size());
        assertEquals(List.of("conflict", original.get(1)), store(100, key, "refund", bob), "same key, other request");
        assertEquals(1, inbox.read(bob, MessageId.ZERO, 10).size());
    }

    @Test
    void claimsAnIdempotencyKeyOnlyOnceTheMessageIsStored() {
        String bob = user();
        String broken = user();
        String key = "k-" + UUID.randomUUID();
        client.commands().set(RedisKeys.inbox(broken), "not a stream"); // the append for this recipient fails
        assertThrows(JedisDataException.class, () -> store(100, key, "pay", bob, broken));
        client.commands().del(RedisKeys.inbox(broken));
        List<?> retry = store(100, key, "pay", bob, broken);
        assertEquals("ok", retry.get(0), "the retry stores the message instead of being answered 'duplicate'");
        assertEquals(1, inbox.read(broken, MessageId.ZERO, 10).size());
    }

    @Test
    void cursorsAndSeenMarkersOnlyMoveForward() {
        String bob = user();
        inbox.saveCursor(bob, "phone", new MessageId(20, 1));
        inbox.saveCursor(bob, "phone", new MessageId(20, 0));
        assertEquals(new MessageId(20, 1), inbox.cursor(bob, "phone").orElseThrow());
        assertTrue(inbox.cursor(bob, "laptop").isEmpty());
        inbox.markSeen(bob, new MessageId(30, 0));
        inbox.markSeen(bob, new MessageId(29, 5));
        assertEquals(new MessageId(30, 0), inbox.seen(bob).orElseThrow());
    }
}
