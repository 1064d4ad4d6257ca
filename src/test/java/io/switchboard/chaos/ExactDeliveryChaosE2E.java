package io.switchboard.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.protocol.MessageId;
import io.switchboard.testing.Eventually;
import io.switchboard.testing.TestTokens;
import io.switchboard.testing.client.ApiClient;
import io.switchboard.testing.client.WsClient;
import io.switchboard.testing.process.GatewayNode;
import io.switchboard.testing.process.RedisServer;
import io.switchboard.testing.process.TwoNodeCluster;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.io.StringReader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The central promise under faults: every stored message reaches every device of its recipients (and
 * every member of its room) exactly once and in id order, and nothing acknowledged is lost. Two real
 * nodes and a real redis-server (append-only, fsync always), three devices of two users spread over the
 * nodes, direct messages over HTTP (retried with an {@code Idempotency-Key} until acknowledged) and
 * over WebSocket, room messages; meanwhile, at seeded random moments, a node is SIGKILLed and started
 * again, Redis is SIGKILLed and restarted, the subscribers' connections are cut ({@code CLIENT KILL TYPE
 * pubsub}), and devices drop and resume: two by {@code since} (the last id they processed), one by its
 * device cursor (the last id it acknowledged), all re-joining the room with {@code since}.
 *
 * <p>Checked per device and per stream: ids processed strictly increase (within a connection, nothing
 * is sent twice or out of order; across connections, nothing at or below a {@code since}); the set
 * processed contains every message acknowledged to its sender and nothing that was never sent; only a
 * message whose acknowledgement was lost in flight may be there unacknowledged. The short run is part of
 * the test command; {@code src/bench/run-chaos.sh --minutes N} runs it longer
 * ({@code -Dswitchboard.chaos.seconds}, {@code -Dswitchboard.chaos.seed}).
 */
class ExactDeliveryChaosE2E {
    private static final Logger LOG = Logger.getLogger(ExactDeliveryChaosE2E.class.getName());
    private static final Path WORK = Path.of("target", "e2e-chaos");
    private static final long SECONDS = Long.getLong("switchboard.chaos.seconds", 70);
    private static final long SEED = Long.getLong("switchboard.chaos.seed", System.nanoTime());
    private static final Map<String, String> SETTINGS = Map.of(
            "SWITCHBOARD_INBOX_MAX_ENTRIES", "1000000", // retention is not under test: nothing may be trimmed
            "SWITCHBOARD_ROOMS_HISTORY_MAX_ENTRIES", "1000000");

    private static RedisServer redis;
    private static final AtomicReferenceArray<GatewayNode> NODES = new AtomicReferenceArray<>(2);
    private static final AtomicInteger NODE_RUNS = new AtomicInteger();

    /** The kinds of fault injected, and how often each was. */
    enum Fault { NODE_KILLED, REDIS_KILLED, SUBSCRIBERS_CUT, DEVICE_DROPPED }

    @BeforeAll
    static void startCluster() throws Exception {
        if (java.nio.file.Files.exists(WORK)) {
            try (var files = java.nio.file.Files.walk(WORK)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        redis = RedisServer.startDurable(WORK.resolve("redis"), "chaos-" + UUID.randomUUID());
        for (int i = 0; i < 2; i++) {
            NODES.set(i, startNode(i));
        }
        for (int i = 0; i < 2; i++) {
            awaitRelay(NODES.get(i));
        }
    }

    @AfterAll
    static void stopCluster() throws Exception {
        for (int i = 0; i < 2; i++) {
            GatewayNode node = NODES.get(i);
            if (node != null) {
                node.close();
            }
        }
        if (redis != null) {
            redis.close();
        }
    }

    private static GatewayNode startNode(int index) throws Exception {
        String id = "node-" + (char) ('a' + index);
        Map<String, String> env = new HashMap<>(GatewayNode.testEnvironment(id));
        env.put("SWITCHBOARD_REDIS_URL", redis.url());
        env.putAll(SETTINGS);
        return GatewayNode.start(WORK.resolve(id + "-run" + NODE_RUNS.incrementAndGet()), false, env).awaitReady();
    }

    private static void awaitRelay(GatewayNode node) {
        Eventually.within(Duration.ofSeconds(60), "relay up on " + node.base(), () -> TwoNodeCluster.ready(node));
    }

    /** A node that is up now, chosen at random; null while none is. */
    private static GatewayNode anyNode(Random random) {
        int first = random.nextInt(2);
        for (int i = 0; i < 2; i++) {
            GatewayNode node = NODES.get((first + i) % 2);
            if (node != null) {
                return node;
            }
        }
        return null;
    }

    @Test
    void everyAcknowledgedMessageReachesEveryDeviceOnceAndInOrderThroughFaults() throws Exception {
        LOG.info("chaos seed " + SEED + ", " + SECONDS + " s");
        Random random = new Random(SEED);
        String alice = "alice-" + UUID.randomUUID();
        String bob = "bob-" + UUID.randomUUID();
        String room = "chaos-" + UUID.randomUUID();
        Ledger ledger = new Ledger();
        List<Device> devices = List.of(
                new Device(alice, "phone", false, room, new Random(random.nextLong())),
                new Device(alice, "laptop", true, room, new Random(random.nextLong())),
                new Device(bob, "tablet", false, room, new Random(random.nextLong())));
        List<Thread> threads = new ArrayList<>();
        for (Device device : devices) {
            threads.add(started("device-" + device.name, device::run));
        }
        Eventually.within(Duration.ofSeconds(30), "every device in the room", () -> devices.stream().allMatch(d -> d.joined));
        Senders senders = new Senders(List.of(alice, bob), room, ledger, new Random(random.nextLong()));
        threads.add(started("http-sender", senders::httpLoop));
        threads.add(started("ws-sender", senders::webSocketLoop));

        Map<Fault, Integer> faults = injectFaults(random, devices);

        senders.stop();
        Eventually.within(Duration.ofSeconds(90), "senders finished (every HTTP message acknowledged)", senders::finished);
        // faults are over: every device must catch up with everything acknowledged (what is still missing
        // after that is reported below as lost)
        long caughtUpBy = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < caughtUpBy && !devices.stream()
                .allMatch(d -> d.direct.processedContents().containsAll(ledger.acked(d.user))
                        && d.room.processedContents().containsAll(ledger.ackedRoom()))) {
            Thread.sleep(200);
        }
        Thread.sleep(1000); // a last look for late duplicates
        for (Device device : devices) {
            device.stop();
        }
        for (Thread thread : threads) {
            thread.join(15_000);
        }

        int checked = 0;
        List<String> problems = new ArrayList<>(senders.errors);
        for (Device device : devices) {
            problems.addAll(device.violations);
            checked += check(device, "direct", device.direct, ledger.acked(device.user), ledger.maybe(device.user), ledger,
                    problems);
            checked += check(device, "room", device.room, ledger.ackedRoom(), ledger.maybeRoom(), ledger, problems);
        }
        String summary = "chaos seed " + SEED + ", " + SECONDS + " s: " + senders.operations() + " operations ("
                + ledger.summary() + "), faults " + faults + ", " + checked + " messages checked, "
                + problems.size() + " problems";
        System.out.println(summary);
        if (!problems.isEmpty()) {
            report(alice, bob);
        }
        assertEquals(List.of(), problems.stream().map(p -> p.length() > 1500 ? p.substring(0, 1500) + "…" : p).toList(),
                summary + " (thread dumps and Redis state in " + WORK + ")");
        for (Fault fault : Fault.values()) {
            assertTrue(faults.get(fault) > 0, "every kind of fault was injected: " + faults);
        }
    }

    /** For a failed run: each live node's threads, and what Redis says about the users and nodes. */
    private static void report(String... users) throws Exception {
        for (int i = 0; i < 2; i++) {
            GatewayNode node = NODES.get(i);
            if (node != null) {
                node.dumpThreads(WORK.resolve("threads-node-" + (char) ('a' + i) + ".txt"));
                java.nio.file.Files.writeString(WORK.resolve("stats-node-" + (char) ('a' + i) + ".json"),
                        node.api().getApi("api/stats").body());
            }
        }
        StringBuilder state = new StringBuilder("ZRANGE sb:nodes: " + redis.command("ZRANGE sb:nodes 0 -1 WITHSCORES")
                + "\nnow: " + System.currentTimeMillis() + "\n");
        for (String user : users) {
            state.append("presence ").append(user).append(": ").append(redis.command("HGETALL sb:presence:{" + user.getBytes(java.nio.charset.StandardCharsets.UTF_8).length + ":" + user + "}")).append('\n');
        }
        java.nio.file.Files.writeString(WORK.resolve("redis-state.txt"), state);
    }

    /** Runs faults until the time is up; at least one of each kind, in a seeded order, then at random. */
    private static Map<Fault, Integer> injectFaults(Random random, List<Device> devices) throws Exception {
        Map<Fault, Integer> counts = new EnumMap<>(Fault.class);
        for (Fault fault : Fault.values()) {
            counts.put(fault, 0);
        }
        List<Fault> plan = new ArrayList<>(List.of(Fault.values()));
        java.util.Collections.shuffle(plan, random);
        long end = System.nanoTime() + Duration.ofSeconds(SECONDS).toNanos();
        while (System.nanoTime() < end || !plan.isEmpty()) {
            Thread.sleep(2000 + random.nextInt(4000));
            Fault fault = plan.isEmpty() ? Fault.values()[random.nextInt(Fault.values().length)] : plan.remove(0);
            LOG.info("chaos: " + fault);
            switch (fault) {
                case NODE_KILLED -> {
                    int index = random.nextInt(2);
                    GatewayNode victim = NODES.getAndSet(index, null);
                    victim.kill();
                    GatewayNode again = startNode(index);
                    awaitRelay(again);
                    NODES.set(index, again);
                }
                case REDIS_KILLED -> {
                    redis.kill();
                    Thread.sleep(random.nextInt(1500));
                    redis.restart();
                }
                case SUBSCRIBERS_CUT -> redis.command("CLIENT KILL TYPE pubsub");
                case DEVICE_DROPPED -> devices.get(random.nextInt(devices.size())).drop();
            }
            counts.merge(fault, 1, Integer::sum);
        }
        return counts;
    }

    /** Compares one stream of one device with what senders were told; returns how many messages it checked. */
    private static int check(Device device, String stream, Stream processed, Set<String> acked, Set<String> maybe,
            Ledger ledger, List<String> problems) {
        Set<String> got = processed.processedContents();
        Set<String> lost = new TreeSet<>(acked);
        lost.removeAll(got);
        if (!lost.isEmpty()) {
            problems.add(device + " " + stream + ": lost " + lost.size() + " acknowledged messages, processed up to "
                    + processed.last + ", sessions " + device.sessions + "; lost e.g. "
                    + lost.stream().limit(5).map(content -> content + "=" + ledger.ids.get(content)).toList());
        }
        Set<String> unexplained = new TreeSet<>(got);
        unexplained.removeAll(acked);
        unexplained.removeAll(maybe);
        if (!unexplained.isEmpty()) {
            problems.add(device + " " + stream + ": processed messages nobody sent " + unexplained);
        }
        return got.size();
    }

    /** What senders were told: acknowledged (stored) messages, and those whose answer was lost in flight. */
    static final class Ledger {
        private final Map<String, Set<String>> acked = new ConcurrentHashMap<>();
        private final Map<String, Set<String>> maybe = new ConcurrentHashMap<>();
        private final Set<String> ackedRoom = ConcurrentHashMap.newKeySet();
        private final Set<String> maybeRoom = ConcurrentHashMap.newKeySet();
        private final AtomicInteger refused = new AtomicInteger();
        /** The message id each acknowledged content was stored as, for reports. */
        final Map<String, String> ids = new ConcurrentHashMap<>();

        void acked(List<String> users, String content) {
            users.forEach(user -> acked.computeIfAbsent(user, u -> ConcurrentHashMap.newKeySet()).add(content));
        }

        void maybe(List<String> users, String content) {
            users.forEach(user -> maybe.computeIfAbsent(user, u -> ConcurrentHashMap.newKeySet()).add(content));
        }

        Set<String> acked(String user) {
            return acked.getOrDefault(user, Set.of());
        }

        Set<String> maybe(String user) {
            return maybe.getOrDefault(user, Set.of());
        }

        Set<String> ackedRoom() {
            return ackedRoom;
        }

        Set<String> maybeRoom() {
            return maybeRoom;
        }

        String summary() {
            int direct = acked.values().stream().mapToInt(Set::size).sum();
            int unknown = maybe.values().stream().mapToInt(Set::size).sum();
            return direct + " direct deliveries and " + ackedRoom.size() + " room messages acknowledged, "
                    + (unknown + maybeRoom.size()) + " with an unknown outcome (answer lost, or 503 / relay unavailable), " + refused.get() + " refused";
        }
    }

    /** One stream as one device processed it: ids strictly increasing, contents in order. */
    static final class Stream {
        private MessageId last = MessageId.ZERO;
        private final List<String> contents = new CopyOnWriteArrayList<>();

        synchronized Set<String> processedContents() {
            return new HashSet<>(contents);
        }
    }

    /**
     * A device of a user: connects to any node, resumes direct messages by {@code since} or by its cursor,
     * (re-)joins the room with {@code since}, processes what is new and records what breaks the promise.
     */
    static final class Device {
        final String user;
        final String name;
        final boolean byCursor;
        final String roomName;
        final Random random;
        final Stream direct = new Stream();
        final Stream room = new Stream();
        final List<String> violations = new CopyOnWriteArrayList<>();
        volatile boolean joined;
        /** Connections opened (welcomed). */
        volatile int connections;
        /** Where and when each session went, for reports. */
        final List<String> sessions = new CopyOnWriteArrayList<>();
        private volatile boolean running = true;
        private volatile WsClient current;
        private boolean connectedBefore;

        Device(String user, String name, boolean byCursor, String roomName, Random random) {
            this.user = user;
            this.name = name;
            this.byCursor = byCursor;
            this.roomName = roomName;
            this.random = random;
        }

        void stop() {
            running = false;
        }

        /** Drops the connection without a close handshake, as a network would. */
        void drop() {
            WsClient connection = current;
            if (connection != null) {
                connection.abort();
            }
        }

        void run() {
            while (running) {
                GatewayNode node = anyNode(random);
                if (node == null) {
                    pause(200);
                    continue;
                }
                try {
                    session(node);
                } catch (RuntimeException | AssertionError e) {
                    LOG.fine(() -> this + ": " + e); // connection refused, node killed, ...: reconnect
                } finally {
                    WsClient connection = current;
                    current = null;
                    if (connection != null) {
                        connection.abort();
                    }
                }
                pause(100 + random.nextInt(400));
            }
        }

        private void session(GatewayNode node) throws RuntimeException {
            MessageId since;
            String query;
            synchronized (direct) {
                since = direct.last;
            }
            if (byCursor && connectedBefore) {
                query = "device=" + name; // the server resumes after the last id this device acknowledged
                since = null;
            } else {
                query = "device=" + name + "&since=" + since;
            }
            WsClient connection = WsClient.connect(node.base(), TestTokens.valid(user), query);
            current = connection;
            connectedBefore = true;
            JsonObject welcome = read(connection, Duration.ofSeconds(10));
            if (welcome == null || !"welcome".equals(welcome.getString("type"))) {
                return;
            }
            connections++;
            sessions.add(java.time.LocalTime.now() + " " + node.base().getPort() + " " + welcome.getString("connectionId", "")
                    + (welcome.containsKey("stored") ? " stored unavailable" : ""));
            if (welcome.containsKey("stored")) {
                return; // stored messages unavailable (Redis down): reconnect later, from the same point
            }
            if (!welcome.getBoolean("recovered", true)) {
                violations.add(this + ": welcome says not recovered after " + since);
            }
            MessageId roomSince;
            synchronized (room) {
                roomSince = room.last;
            }
            connection.send("{\"type\":\"join\",\"id\":1,\"room\":\"" + roomName + "\",\"since\":\"" + roomSince + "\"}");
            MessageId connectionDirect = since == null ? MessageId.ZERO : since;
            MessageId connectionRoom = roomSince;
            while (running && !connection.isClosed()) {
                JsonObject frame = read(connection, Duration.ofMillis(200));
                if (frame == null) {
                    continue;
                }
                String type = frame.getString("type");
                if ("joined".equals(type)) {
                    if (!frame.getBoolean("recovered", true)) {
                        violations.add(this + ": join says not recovered after " + roomSince);
                    }
                    joined = true;
                } else if ("error".equals(type)) {
                    return; // e.g. the join refused while Redis is down: start again
                } else if ("message".equals(type)) {
                    Optional<MessageId> id = storedId(frame);
                    if (id.isEmpty()) {
                        continue; // a room message published while Redis was down: not stored, not tracked
                    }
                    boolean inRoom = frame.containsKey("room");
                    MessageId previous = inRoom ? connectionRoom : connectionDirect;
                    if (!id.get().isAfter(previous)) {
                        violations.add(this + ": " + (inRoom ? "room" : "direct") + " id " + id.get()
                                + " not after " + previous + " on the same connection (duplicate or out of order)");
                        continue;
                    }
                    if (inRoom) {
                        connectionRoom = id.get();
                    } else {
                        connectionDirect = id.get();
                    }
                    if (process(inRoom ? room : direct, id.get(), content(frame)) && byCursor && !inRoom) {
                        connection.send("{\"type\":\"ack\",\"upTo\":\"" + id.get() + "\"}");
                    }
                }
            }
        }

        /** Hands a message to the "application" unless it already has it; true if it was new. */
        private boolean process(Stream stream, MessageId id, String content) {
            synchronized (stream) {
                if (!id.isAfter(stream.last)) {
                    if (!byCursor || stream == room) {
                        violations.add(this + ": got " + id + " again after resuming from " + stream.last);
                    }
                    return false; // a cursor lags what was processed: a repeat across connections is expected
                }
                stream.last = id;
                stream.contents.add(content);
                return true;
            }
        }

        private static Optional<MessageId> storedId(JsonObject frame) {
            String id = frame.getString("id", "");
            if (!id.matches("\\d+-\\d+")) {
                return Optional.empty();
            }
            return Optional.of(MessageId.parse(id, "id"));
        }

        private static String content(JsonObject frame) {
            JsonValue content = frame.get("content");
            return content instanceof JsonString text ? text.getString() : String.valueOf(content);
        }

        private static JsonObject read(WsClient connection, Duration wait) {
            try {
                String text = connection.pollQuietly(wait);
                return text == null ? null : Json.createReader(new StringReader(text)).readObject();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }

        @Override
        public String toString() {
            return name + " of " + user.substring(0, user.indexOf('-'));
        }
    }

    /** Sends direct messages over HTTP and WebSocket, and room messages, recording what was acknowledged. */
    static final class Senders {
        private final List<String> users;
        private final String room;
        private final Ledger ledger;
        private final Random random;
        private final AtomicInteger sequence = new AtomicInteger();
        private final AtomicInteger running = new AtomicInteger(2);
        /** What went wrong in a sender thread (it then stops): reported with the problems. */
        final List<String> errors = new CopyOnWriteArrayList<>();
        private volatile boolean stopping;

        Senders(List<String> users, String room, Ledger ledger, Random random) {
            this.users = users;
            this.room = room;
            this.ledger = ledger;
            this.random = random;
        }

        void stop() {
            stopping = true;
        }

        boolean finished() {
            return running.get() == 0;
        }

        int operations() {
            return sequence.get();
        }

        private List<String> recipients() {
            synchronized (random) {
                return switch (random.nextInt(3)) {
                    case 0 -> List.of(users.get(0));
                    case 1 -> List.of(users.get(1));
                    default -> users;
                };
            }
        }

        /** Backend pushes, each retried with its Idempotency-Key until a node stores it. */
        void httpLoop() {
            try {
                while (!stopping) {
                    String content = "h" + sequence.incrementAndGet();
                    List<String> to = recipients();
                    String body = Json.createObjectBuilder().add("from", "svc").add("to", Json.createArrayBuilder(to))
                            .add("content", content).build().toString();
                    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                    while (true) {
                        GatewayNode node;
                        synchronized (random) {
                            node = anyNode(random);
                        }
                        if (node != null && store(node, body, content)) {
                            ledger.acked(to, content);
                            break;
                        }
                        if (System.nanoTime() > deadline) {
                            throw new AssertionError("no node stored " + content + " within 60 s");
                        }
                        pause(200);
                    }
                    pause(20);
                }
            } catch (RuntimeException | AssertionError e) {
                errors.add("HTTP sender: " + e);
            } finally {
                running.decrementAndGet();
            }
        }

        private boolean store(GatewayNode node, String body, String key) {
            try {
                ApiClient.Reply reply = node.api().post("api/messages", "application/json", body,
                        "X-Api-Key", ApiClient.API_KEY, "Idempotency-Key", key);
                if (reply.status() == 200) {
                    ledger.ids.put(key, reply.json().getString("messageId"));
                    return true;
                }
                if (reply.status() != 503) {
                    throw new AssertionError("unexpected " + reply.status() + ": " + reply.body());
                }
                ledger.refused.incrementAndGet();
                return false;
            } catch (AssertionError e) {
                if (e.getMessage() != null && e.getMessage().startsWith("unexpected")) {
                    throw e;
                }
                return false; // connection refused or reset (node killed): retried with the same key
            }
        }

        /** A client sending direct and room messages, waiting for each one's answer. */
        void webSocketLoop() {
            try {
                int requestId = 0;
                while (!stopping) {
                    GatewayNode node;
                    synchronized (random) {
                        node = anyNode(random);
                    }
                    if (node == null) {
                        pause(200);
                        continue;
                    }
                    try (WsClient sender = WsClient.connect(node.base(), TestTokens.valid("sender-" + UUID.randomUUID()))) {
                        if (!"welcome".equals(Device.read(sender, Duration.ofSeconds(10)).getString("type"))) {
                            continue;
                        }
                        while (!stopping && !sender.isClosed()) {
                            requestId++;
                            boolean toRoom;
                            synchronized (random) {
                                toRoom = random.nextInt(3) == 0;
                            }
                            String content = (toRoom ? "r" : "w") + sequence.incrementAndGet();
                            List<String> to = recipients();
                            JsonObject command = toRoom
                                    ? Json.createObjectBuilder().add("type", "publish").add("id", requestId).add("room", room)
                                            .add("content", content).build()
                                    : Json.createObjectBuilder().add("type", "message").add("id", requestId)
                                            .add("to", Json.createArrayBuilder(to)).add("content", content).build();
                            sender.send(command.toString());
                            Outcome outcome = answer(sender, requestId, content, ledger);
                            switch (outcome) {
                                case STORED -> {
                                    if (toRoom) {
                                        ledger.ackedRoom.add(content);
                                    } else {
                                        ledger.acked(to, content);
                                    }
                                }
                                case UNKNOWN, NO_ANSWER -> {
                                    if (toRoom) {
                                        ledger.maybeRoom.add(content);
                                    } else {
                                        ledger.maybe(to, content);
                                    }
                                }
                                case REFUSED -> ledger.refused.incrementAndGet();
                            }
                            if (outcome == Outcome.NO_ANSWER) {
                                break;
                            }
                            pause(30);
                        }
                    } catch (RuntimeException | AssertionError e) {
                        LOG.fine(() -> "sender: " + e);
                    }
                }
            } finally {
                running.decrementAndGet();
            }
        }

        enum Outcome { STORED, REFUSED, UNKNOWN, NO_ANSWER }

        /**
         * The answer to request {@code id}: stored (an ack without {@code relay}), refused (an error other
         * than 503), or unknown: no answer came, or the node could not complete its Redis call (503, or an
         * ack saying {@code relay: unavailable}) — a script whose reply was lost may still have stored and
         * relayed the message, so the sender cannot know (see the closing note of issue 14).
         */
        private static Outcome answer(WsClient sender, int id, String content, Ledger ledger) {
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (System.nanoTime() < deadline && !sender.isClosed()) {
                JsonObject frame = Device.read(sender, Duration.ofMillis(200));
                if (frame == null || frame.getInt("id", -1) != id) {
                    continue;
                }
                if ("ack".equals(frame.getString("type"))) {
                    ledger.ids.put(content, frame.getString("messageId", "?"));
                    return frame.containsKey("relay") ? Outcome.UNKNOWN : Outcome.STORED;
                }
                return frame.getInt("code", 0) == 503 ? Outcome.UNKNOWN : Outcome.REFUSED;
            }
            return Outcome.NO_ANSWER;
        }
    }

    private static Thread started(String name, Runnable body) {
        Thread thread = new Thread(body, name);
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
