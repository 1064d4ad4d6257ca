package io.switchboard.redis.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.config.SwitchboardConfig;
import io.switchboard.config.TestConfig;
import io.switchboard.connection.Connection;
import io.switchboard.connection.RecordingSink;
import io.switchboard.connection.SendQueueLimits;
import io.switchboard.inbox.InboxOpening;
import io.switchboard.inbox.StoredMessage;
import io.switchboard.metrics.TrafficCounters;
import io.switchboard.protocol.ErrorCode;
import io.switchboard.protocol.MessageId;
import io.switchboard.protocol.ProtocolException;
import io.switchboard.redis.client.ClusterMember;
import io.switchboard.redis.client.RedisClient;
import io.switchboard.redis.client.RedisFixtures;
import io.switchboard.redis.client.RedisKeys;
import io.switchboard.redis.client.RedisSlots;
import io.switchboard.redis.presence.PresenceEntry;
import io.switchboard.redis.presence.PresenceFixtures;
import io.switchboard.redis.presence.RedisPresence;
import io.switchboard.redis.relay.RelayState;
import io.switchboard.registry.ConnectionRegistry;
import io.switchboard.security.Identity;
import io.switchboard.testing.Eventually;
import io.switchboard.testing.process.RedisServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
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
        client = RedisFixtures.client(config);
        RelayState state = new RelayState();
        state.subscribed();
        inbox = new RedisInbox();
        inbox.redis = client;
        inbox.state = state;
        inbox.config = config;
    }

    @AfterEach
    void close() throws InterruptedException {
        if (pipeline != null) {
            pipeline.stop();
            pipeline.redis.close();
            inbox.presence.stopWriter();
            presenceWriter.join(5000);
        }
        client.close();
    }

    private ScriptPipeline pipeline;
    private Thread presenceWriter;

    /** Gives the inbox what {@link RedisInbox#open} takes: a pipeline lane, this node's presence and its writer. */
    private void withLanes() {
        pipeline = new ScriptPipeline();
        pipeline.config = config;
        pipeline.redis = RedisFixtures.client(config);
        pipeline.traffic = new TrafficCounters();
        pipeline.laneThreads = Thread::new;
        ClusterMember member = RedisFixtures.member(config);
        RedisPresence presence = PresenceFixtures.presence(config, client, inbox.state, new ConnectionRegistry(), member);
        presenceWriter = new Thread(presence::runWriter, "presence-writer");
        presenceWriter.start();
        inbox.pipeline = pipeline;
        inbox.presence = presence;
        inbox.member = member;
    }

    private static Connection connection(String user, String device) {
        return new Connection("c-" + UUID.randomUUID(), device, new Identity(user, Set.of(), 0), RecordingSink.fast(),
                Runnable::run, new SendQueueLimits(10, 10_000), (closed, code) -> { }, 0);
    }

    private InboxOpening open(Connection connection, Optional<MessageId> since, int pageSize) {
        return inbox.open(connection, since, pageSize).toCompletableFuture().orTimeout(10, TimeUnit.SECONDS).join();
    }

    private static List<String> ids(List<StoredMessage> page) {
        return page.stream().map(message -> message.id().toString()).toList();
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

    @Test
    void opensAnInboxInOneStepThatMakesTheConnectionVisibleAndReadsWhereItResumes() {
        withLanes();
        String bob = user();
        String one = (String) store(100, null, "one", bob).get(1);
        String two = (String) store(100, null, "two", bob).get(1);
        String three = (String) store(100, null, "three", bob).get(1);
        inbox.saveCursor(bob, "phone", MessageId.parse(one, "id"));
        inbox.markSeen(bob, MessageId.parse(two, "id"));

        Connection phone = connection(bob, "phone");
        InboxOpening resumed = open(phone, Optional.empty(), 10);
        assertEquals(Optional.of(MessageId.parse(one, "id")), resumed.requested(), "the device's last ack");
        assertEquals(List.of(two, three), ids(resumed.firstPage()));
        assertEquals(MessageId.ZERO, resumed.trimmed());
        assertTrue(resumed.announced());
        assertEquals(Set.of(phone.id()), client.commands().hkeys(RedisKeys.presence(bob)), "visible gateway-wide");
        assertTrue(client.commands().hget(RedisKeys.presence(bob), phone.id()).startsWith(inbox.member.id() + "|"), "on this node");
        assertEquals("1", client.commands().get(RedisKeys.known(bob)), "known to the recipient policy");
        assertEquals("{\"type\":\"message\",\"id\":\"" + two + "\",\"content\":\"two\"}",
                resumed.firstPage().get(0).frame());

        InboxOpening fresh = open(connection(bob, "laptop"), Optional.empty(), 10);
        assertEquals(Optional.empty(), fresh.requested(), "a new device asked for nothing");
        assertEquals(Optional.of(MessageId.parse(two, "id")), fresh.seen());
        assertEquals(List.of(three), ids(fresh.firstPage()), "what the user was not sent yet");
        assertEquals(2, client.commands().hlen(RedisKeys.presence(bob)));

        InboxOpening paged = open(connection(bob, "tablet"), Optional.of(MessageId.ZERO), 2);
        assertEquals(List.of(one, two), ids(paged.firstPage()), "one page of the given size, from the given id");
    }

    @Test
    void reportsWhatRetentionRemovedToADeviceThatAsksForAnOlderPoint() {
        withLanes();
        String bob = user();
        String first = (String) store(2, null, "m0", bob).get(1);
        for (int i = 1; i < 6; i++) {
            store(2, null, "m" + i, bob);
        }
        InboxOpening opening = open(connection(bob, "phone"), Optional.of(MessageId.parse(first, "id")), 10);
        assertEquals(inbox.trimmedUpTo(bob), opening.trimmed());
        assertTrue(opening.trimmed().isAfter(MessageId.parse(first, "id")));
        assertEquals(inbox.read(bob, opening.trimmed(), 10), opening.firstPage(), "only what is left");
    }

    @Test
    void removesTheEntryAgainOfAConnectionThatClosedWhileItsOpeningStepWasQueued() {
        withLanes();
        String bob = user();
        Connection gone = connection(bob, "phone");
        gone.closedByPeer(1001); // its close removed an entry that was not written yet
        open(gone, Optional.empty(), 10);
        Eventually.within(Duration.ofSeconds(5), "no ghost entry", () -> client.commands().hlen(RedisKeys.presence(bob)) == 0);
    }
}
