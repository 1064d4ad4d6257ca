package io.switchboard.limits;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.api.ApiCredentials;
import io.switchboard.testing.TestTokens;
import io.switchboard.testing.client.ApiClient;
import io.switchboard.testing.client.FrameFuzzer;
import io.switchboard.testing.client.RawWsClient;
import io.switchboard.testing.client.WsClient;
import io.switchboard.testing.process.GatewayNode;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * A node facing hostile and broken clients, with tight limits (below): a seeded fuzz of over 100,000
 * frames over 20 connections while a well-behaved client keeps receiving, then each abuse limit.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HostileClientsE2E {
    private static final Path WORK = Path.of("target", "e2e-hostile");
    private static final long SEED = Long.getLong("switchboard.fuzz.seed", 20261123L);
    private static final int FUZZ_CONNECTIONS = 20;
    private static final int FRAMES_PER_CONNECTION = 5_200;
    private static final int WINDOW = 32;
    /** Frames per second one fuzz connection sends at most: under the node's command rate (500/s). */
    private static final long FUZZ_RATE = 400;
    private static final int MAX_FRAME_BYTES = 65_536;
    private static final String HASHED_KEY = "only-its-digest-is-configured";
    private static final Set<String> REPLY_TYPES = Set.of("error", "ack", "pong", "joined", "left", "history", "rooms", "acked");
    private static GatewayNode node;

    @BeforeAll
    static void startNode() throws Exception {
        Map<String, String> env = new HashMap<>(GatewayNode.testEnvironment("hostile-node"));
        env.put("SWITCHBOARD_HEARTBEAT_INTERVAL_MS", "5000");
        env.put("SWITCHBOARD_LIMITS_COMMANDS_PER_SECOND", "500");
        env.put("SWITCHBOARD_LIMITS_COMMANDS_BURST", "1000");
        env.put("SWITCHBOARD_LIMITS_REFUSALS_BEFORE_CLOSE", "100");
        env.put("SWITCHBOARD_LIMITS_CONNECTIONS_PER_USER", "3");
        env.put("SWITCHBOARD_LIMITS_CONNECTIONS_PER_NODE", "60");
        env.put("SWITCHBOARD_LIMITS_HANDSHAKES_PER_SECOND_PER_IP", "20");
        env.put("SWITCHBOARD_LIMITS_HANDSHAKES_BURST_PER_IP", "150");
        env.put("SWITCHBOARD_LIMITS_API_REQUESTS_PER_SECOND", "20");
        env.put("SWITCHBOARD_LIMITS_API_BURST", "40");
        env.put("SWITCHBOARD_ALLOWED_ORIGINS", "https://chat.example.com");
        env.put("SWITCHBOARD_API_KEY_SHA256", HexFormat.of().formatHex(ApiCredentials.sha256(HASHED_KEY)));
        node = GatewayNode.start(WORK, false, env);
        node.awaitReady();
    }

    @AfterAll
    static void stopNode() throws Exception {
        if (node != null) {
            node.close();
        }
    }

    private static String unique(String name) {
        return name + "-" + UUID.randomUUID();
    }

    private static WsClient open(String user) {
        WsClient client = WsClient.connect(node.base(), TestTokens.valid(user));
        assertEquals("welcome", client.next().getString("type"));
        return client;
    }

    private static HttpResponse<String> get(String path, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(node.base().resolve(path)).timeout(Duration.ofSeconds(10)).GET();
        if (headers.length > 0) {
            request.headers(headers);
        }
        return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Responses to requests sent all at once from 16 threads, and how long they took. */
    private record Burst(List<HttpResponse<String>> responses, Duration took) {
        long count(int status) {
            return responses.stream().filter(response -> response.statusCode() == status).count();
        }

        HttpResponse<String> first(int status) {
            return responses.stream().filter(response -> response.statusCode() == status).findFirst()
                    .orElseThrow(() -> new AssertionError("no " + status + " in " + this));
        }

        /** The most a token bucket of {@code burst} refilled at {@code perSecond} can admit in that time. */
        long allowed(int burst, int perSecond) {
            return burst + (long) Math.ceil(perSecond * took.toMillis() / 1000.0);
        }

        @Override
        public String toString() {
            Map<Integer, Long> statuses = new TreeMap<>();
            responses.forEach(response -> statuses.merge(response.statusCode(), 1L, Long::sum));
            return statuses + " in " + took.toMillis() + " ms";
        }
    }

    /**
     * Sends {@code count} GETs from 16 threads at once through one client, so that the limit is reached
     * however slow this machine is: what is checked is the bucket's bound, not the machine's speed.
     */
    private static Burst burst(int count, String path, String... headers) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        ExecutorService pool = Executors.newFixedThreadPool(16);
        long start = System.nanoTime();
        try {
            List<Future<HttpResponse<String>>> pending = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                HttpRequest.Builder request = HttpRequest.newBuilder(node.base().resolve(path)).timeout(Duration.ofSeconds(30)).GET();
                if (headers.length > 0) {
                    request.headers(headers);
                }
                pending.add(pool.submit(() -> http.send(request.build(), HttpResponse.BodyHandlers.ofString())));
            }
            List<HttpResponse<String>> responses = new ArrayList<>();
            for (Future<HttpResponse<String>> response : pending) {
                responses.add(response.get(60, TimeUnit.SECONDS));
            }
            return new Burst(responses, Duration.ofNanos(System.nanoTime() - start));
        } finally {
            pool.shutdownNow();
        }
    }

    private static String codeOf(HttpResponse<String> response) {
        return Json.createReader(new StringReader(response.body())).readObject().getString("code");
    }

    @Test
    @Order(1)
    void survivesAFuzzOfHostileFramesAndKeepsServingAWellBehavedClient() throws Exception {
        List<String> users = new ArrayList<>();
        for (int i = 0; i < FUZZ_CONNECTIONS; i++) {
            users.add(unique("fuzz" + i));
        }
        String watcher = unique("watcher");
        int pushes = 100;
        Map<String, AtomicLong> outcomes = new ConcurrentHashMap<>();
        AtomicLong framesSent = new AtomicLong();
        ExecutorService pool = Executors.newFixedThreadPool(FUZZ_CONNECTIONS + 1);
        try (WsClient wellBehaved = open(watcher)) {
            Future<?> pusher = pool.submit(() -> {
                ApiClient api = node.api();
                String backend = "Bearer " + TestTokens.valid("svc", "backend");
                for (int i = 0; i < pushes; i++) {
                    ApiClient.Reply reply = api.post("api/messages", "application/json",
                            "{\"from\":\"svc\",\"to\":[\"" + watcher + "\"],\"content\":" + i + "}", "Authorization", backend);
                    assertEquals(200, reply.status(), reply.body());
                    sleep(60);
                }
                return null;
            });
            List<Future<?>> fuzzers = new ArrayList<>();
            for (int c = 0; c < FUZZ_CONNECTIONS; c++) {
                String user = users.get(c);
                FrameFuzzer fuzzer = new FrameFuzzer(SEED + c, users, MAX_FRAME_BYTES);
                fuzzers.add(pool.submit(() -> {
                    fuzz(user, fuzzer, framesSent, outcomes);
                    return null;
                }));
            }
            for (Future<?> fuzzer : fuzzers) {
                fuzzer.get(5, TimeUnit.MINUTES);
            }
            pusher.get(1, TimeUnit.MINUTES);

            for (int i = 0; i < pushes; i++) {
                JsonObject message = wellBehaved.next("message");
                assertEquals(i, message.getInt("content"), "the well-behaved client gets every push, in order");
            }
            wellBehaved.send("{\"type\":\"ping\",\"id\":1}");
            assertEquals("pong", wellBehaved.next("pong").getString("type"));
        } finally {
            pool.shutdownNow();
        }
        System.out.println("Fuzz (seed " + SEED + "): " + framesSent.get() + " frames; outcomes " + new TreeMap<>(outcomes));
        assertTrue(framesSent.get() >= 100_000, "sent " + framesSent.get());
        assertEquals(null, outcomes.get("error 500"), "no internal errors");
        assertTrue(node.api().get("health/live").status() == 200, "the node is alive");
        assertFalse(node.log().contains("SEVERE"), "no SEVERE in the node's log");
        io.switchboard.testing.Eventually.within(Duration.ofSeconds(10), "every fuzz connection is gone from the registry",
                () -> node.api().getApi("api/stats").json().getInt("connections") == 0);
    }

    /**
     * Sends {@link #FRAMES_PER_CONNECTION} fuzzed frames in windows of {@link #WINDOW}, checking that each
     * answered frame gets exactly one reply, and each closing one a documented close (then reconnects).
     */
    private static void fuzz(String user, FrameFuzzer fuzzer, AtomicLong framesSent, Map<String, AtomicLong> outcomes)
            throws Exception {
        RawWsClient client = RawWsClient.connect(node.base(), TestTokens.valid(user), 0);
        try {
            assertEquals("welcome", type(readData(client)));
            int sent = 0;
            int awaiting = 0;
            long start = System.nanoTime();
            List<String> window = new ArrayList<>();
            while (sent < FRAMES_PER_CONNECTION) {
                FrameFuzzer.Fuzzed frame = fuzzer.next();
                if (frame.closes()) {
                    awaiting = collectReplies(client, awaiting, outcomes);
                    client.sendFrame(frame.opcode(), frame.payload());
                    sent++;
                    framesSent.incrementAndGet();
                    int code = client.awaitCloseCode(Duration.ofSeconds(10));
                    assertTrue(frame.closeCodes().contains(code), frame.kind() + " closed with " + code);
                    count(outcomes, "close " + code);
                    client.close();
                    client = RawWsClient.connect(node.base(), TestTokens.valid(user), 0);
                    assertEquals("welcome", type(readData(client)));
                    continue;
                }
                client.sendFrame(frame.opcode(), frame.payload());
                sent++;
                framesSent.incrementAndGet();
                window.add(frame.kind() + ":" + new String(frame.payload(), 0, Math.min(80, frame.payload().length),
                        StandardCharsets.UTF_8));
                if (++awaiting == WINDOW) {
                    try {
                        awaiting = collectReplies(client, awaiting, outcomes);
                    } catch (AssertionError e) {
                        throw new AssertionError(e.getMessage() + " after " + window, e);
                    }
                    window.clear();
                    long ahead = sent * 1_000_000_000L / FUZZ_RATE - (System.nanoTime() - start);
                    if (ahead > 0) {
                        TimeUnit.NANOSECONDS.sleep(ahead);
                    }
                }
            }
            collectReplies(client, awaiting, outcomes);
        } finally {
            client.close();
        }
    }

    /** Reads until {@code expected} replies came (messages and presence from other fuzzers are skipped). */
    private static int collectReplies(RawWsClient client, int expected, Map<String, AtomicLong> outcomes) throws Exception {
        for (int replies = 0; replies < expected; ) {
            JsonObject frame = Json.createReader(new StringReader(readData(client))).readObject();
            String type = frame.getString("type");
            if (REPLY_TYPES.contains(type)) {
                replies++;
                count(outcomes, type.equals("error") ? "error " + frame.getInt("code") : type);
            }
        }
        return 0;
    }

    /** The next text frame, skipping pings; fails on a close. */
    private static String readData(RawWsClient client) throws Exception {
        while (true) {
            RawWsClient.Frame frame = client.readFrame();
            if (frame.opcode() == RawWsClient.OP_TEXT) {
                return frame.text();
            }
            if (frame.opcode() == RawWsClient.OP_CLOSE) {
                throw new AssertionError("unexpected close " + frame.closeCode() + " "
                        + new String(frame.payload(), 2, Math.max(0, frame.payload().length - 2), StandardCharsets.UTF_8));
            }
        }
    }

    private static String type(String frame) {
        return Json.createReader(new StringReader(frame)).readObject().getString("type");
    }

    private static void count(Map<String, AtomicLong> outcomes, String outcome) {
        outcomes.computeIfAbsent(outcome, o -> new AtomicLong()).incrementAndGet();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * The flooder sends each ping as soon as the previous one was answered, far above the rate. It never
     * has a frame in flight when the server closes: Tyrus closes TCP right after its close frame, and unread
     * client data would make the kernel reset the connection and drop that frame (a client that keeps
     * writing past the close may see a reset instead of the 4003; that is the container's doing).
     */
    @Test
    @Order(2)
    void refusesCommandsOverTheRateAndClosesAClientThatKeepsGoing() throws Exception {
        try (RawWsClient flooder = RawWsClient.connect(node.base(), TestTokens.valid(unique("flooder")), 0);
                WsClient neighbour = open(unique("neighbour"))) {
            assertEquals("welcome", type(readData(flooder)));
            int pongs = 0;
            int sent = 0;
            JsonObject refused = null;
            Integer closeCode = null;
            while (closeCode == null && sent < 20_000) {
                flooder.sendText("{\"type\":\"ping\",\"id\":" + sent++ + "}");
                RawWsClient.Frame frame = flooder.readFrame();
                while (frame.opcode() == RawWsClient.OP_PING) {
                    frame = flooder.readFrame();
                }
                if (frame.opcode() == RawWsClient.OP_CLOSE) {
                    closeCode = frame.closeCode();
                    break;
                }
                JsonObject reply = Json.createReader(new StringReader(frame.text())).readObject();
                if (reply.getString("type").equals("pong")) {
                    pongs++;
                } else if (refused == null) {
                    refused = reply;
                }
            }
            assertTrue(pongs >= 1_000 && pongs < sent, pongs + " pongs of " + sent + " pings: the burst, then the rate");
            assertEquals(429, refused.getInt("code"), refused.toString());
            assertEquals("rate-limited", refused.getString("reason"));
            assertTrue(refused.containsKey("id"), "the refused command's id is echoed");
            assertEquals(4003, closeCode, "closed after " + sent + " pings");
            neighbour.send("{\"type\":\"ping\",\"id\":1}");
            assertEquals("pong", neighbour.next().getString("type"), "a neighbour is not slowed");
        }
    }

    /** The same limits when the commands come joined, 100 to a frame ({@code batch=1}): each one counts, not the frame. */
    @Test
    @Order(2)
    void countsEachCommandOfAJoinedFrameAgainstTheRate() throws Exception {
        try (WsClient flooder = WsClient.connect(node.base(), TestTokens.valid(unique("batched-flooder")), "batch=1");
                WsClient neighbour = open(unique("neighbour"))) {
            assertEquals("welcome", flooder.nextSplit(1).get(0).getString("type"));
            String hundredPings = String.join("\n", java.util.Collections.nCopies(100, "{\"type\":\"ping\"}"));
            int pongs = 0;
            int refused = 0;
            int sent = 0;
            while (!flooder.isClosed() && sent < 20_000) {
                flooder.send(hundredPings);
                sent += 100;
                int replies = 0;
                while (replies < 100) { // fewer once the node decided to close: the rest of the frame is dropped
                    String text = flooder.pollQuietly(Duration.ofSeconds(5));
                    if (text == null) {
                        break;
                    }
                    for (String line : text.split("\n")) {
                        JsonObject reply = Json.createReader(new StringReader(line)).readObject();
                        replies++;
                        if (reply.getString("type").equals("pong")) {
                            pongs++;
                        } else {
                            assertEquals("rate-limited", reply.getString("reason"), reply.toString());
                            refused++;
                        }
                    }
                }
            }
            assertTrue(pongs >= 1_000 && pongs < sent, pongs + " pongs of " + sent + " pings: the burst, then the rate");
            assertTrue(refused >= 1, "refused commands are answered one by one");
            assertEquals(4003, flooder.awaitClose().code(), "closed after " + sent + " pings");
            neighbour.send("{\"type\":\"ping\",\"id\":1}");
            assertEquals("pong", neighbour.next().getString("type"), "a neighbour is not slowed");
        }
    }

    @Test
    @Order(3)
    void limitsConnectionsPerUserAndPerNode() throws Exception {
        String greedy = unique("greedy");
        List<WsClient> opened = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                opened.add(open(greedy));
            }
            HttpResponse<String> fourth = get("ws?token=" + TestTokens.valid(greedy));
            assertEquals(429, fourth.statusCode(), fourth.body());
            assertEquals("too-many-connections", codeOf(fourth));
            while (opened.size() < 60) {
                opened.add(open(unique("filler")));
            }
            HttpResponse<String> full = get("ws?token=" + TestTokens.valid(unique("late")));
            assertEquals(503, full.statusCode(), full.body());
            assertEquals("node-full", codeOf(full));
            assertTrue(full.headers().firstValue("Retry-After").isPresent());
        } finally {
            opened.forEach(WsClient::close);
        }
        io.switchboard.testing.Eventually.within(Duration.ofSeconds(10), "room again",
                () -> node.api().getApi("api/stats").json().getInt("connections") == 0);
        open(greedy).close();
    }

    @Test
    @Order(4)
    void acceptsOnlyAllowedOrigins() throws Exception {
        String token = TestTokens.valid(unique("browser"));
        HttpResponse<String> foreign = get("ws?token=" + token, "Origin", "https://evil.example");
        assertEquals(403, foreign.statusCode());
        assertEquals("forbidden-origin", codeOf(foreign));
        assertEquals(404, get("ws?token=" + token, "Origin", "https://chat.example.com").statusCode(),
                "allowed: past the filter (404 only because this GET asks for no upgrade)");
        assertEquals(404, get("ws?token=" + token).statusCode(), "no Origin (not a browser): allowed");
    }

    @Test
    @Order(5)
    void acceptsHashedApiKeysAndLimitsRequestsPerCredential() throws Exception {
        assertEquals(200, get("api/stats", "X-Api-Key", HASHED_KEY).statusCode(), "a key configured as its SHA-256");
        assertEquals(200, get("api/stats", "X-Api-Key", ApiClient.API_KEY).statusCode(), "and a plain one");
        assertEquals(401, get("api/stats", "X-Api-Key", HASHED_KEY + "x").statusCode());
        Burst burst = burst(200, "api/stats", "X-Api-Key", HASHED_KEY);
        HttpResponse<String> limited = burst.first(429);
        assertTrue(burst.count(200) <= burst.allowed(40, 20), "no more than burst 40 + 20/s got through: " + burst);
        assertEquals("rate-limited", codeOf(limited));
        assertTrue(limited.headers().firstValue("Retry-After").isPresent());
        assertEquals(200, get("api/stats", "X-Api-Key", ApiClient.API_KEY).statusCode(), "another key has its own budget");
        assertFalse(node.log().contains(HASHED_KEY), "keys never reach the log");
    }

    @Test
    @Order(6)
    void limitsHandshakesPerClientAddress() throws Exception {
        String token = TestTokens.valid(unique("hammer"));
        Burst burst = burst(400, "ws?token=" + token);
        HttpResponse<String> limited = burst.first(429);
        assertTrue(400 - burst.count(429) <= burst.allowed(150, 20), "no more than burst 150 + 20/s got through: " + burst);
        assertEquals("rate-limited", codeOf(limited));
        assertTrue(limited.headers().firstValue("Retry-After").isPresent());
        String metrics = node.api().get("metrics").body();
        assertTrue(metrics.contains("code=\"rate-limited\""), "refusals are counted by code");
    }
}
