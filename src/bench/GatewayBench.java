import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Switchboard's benchmark tool: drives a running node (started with dev tokens) through real WebSocket
 * and HTTP clients and prints throughput, latency percentiles, losses and memory per connection.
 * Dependency-free so it runs as {@code java src/bench/GatewayBench.java --url http://127.0.0.1:8080}.
 * Latency is measured within this JVM (send nanoTime travels in the content), so client and server
 * share the machine: figures describe the whole box, not the server alone.
 */
public final class GatewayBench {
    private static final Pattern NANOS = Pattern.compile("\"t\":(\\d+)");
    private static final Pattern TOKEN = Pattern.compile("\"token\":\"([^\"]+)\"");
    private static final Pattern DELIVERED_COUNTS = Pattern.compile("\"delivered\":\\{([^}]*)\\}");
    private static final Pattern DELIVERED_TOTAL = Pattern.compile("\"delivered\":(\\d+)");
    private static final Pattern COUNT = Pattern.compile(":(\\d+)");

    private final List<URI> nodes;
    private final URI base;
    private final List<Long> pids;
    private final long pid;
    private final AtomicLong nextNode = new AtomicLong();
    private final String apiKey;
    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();

    private GatewayBench(List<URI> nodes, List<Long> pids, String apiKey) {
        this.nodes = nodes;
        this.base = nodes.get(0);
        this.pids = pids;
        this.pid = pids.isEmpty() ? -1 : pids.get(0);
        this.apiKey = apiKey;
    }

    public static void main(String[] args) throws Exception {
        String url = "http://127.0.0.1:8080/";
        String pid = "";
        String apiKey = "bench-key";
        int idle = 2000;
        int directMessages = 20_000;
        int broadcastConnections = 1000;
        int broadcasts = 200;
        int httpPushes = 5000;
        int roomMembers = 500;
        int roomMessages = 400;
        int roomRate = 50;
        int soakConnections = 1000;
        int soakMinutes = 0;
        int soakRate = 200;
        String only = "";
        for (int i = 0; i < args.length; i += 2) {
            switch (args[i]) {
                case "--url" -> url = args[i + 1];
                case "--pid" -> pid = args[i + 1];
                case "--api-key" -> apiKey = args[i + 1];
                case "--idle" -> idle = Integer.parseInt(args[i + 1]);
                case "--direct" -> directMessages = Integer.parseInt(args[i + 1]);
                case "--broadcast-connections" -> broadcastConnections = Integer.parseInt(args[i + 1]);
                case "--broadcasts" -> broadcasts = Integer.parseInt(args[i + 1]);
                case "--http" -> httpPushes = Integer.parseInt(args[i + 1]);
                case "--room-members" -> roomMembers = Integer.parseInt(args[i + 1]);
                case "--room-messages" -> roomMessages = Integer.parseInt(args[i + 1]);
                case "--room-rate" -> roomRate = Integer.parseInt(args[i + 1]);
                case "--only" -> only = args[i + 1];
                case "--soak-connections" -> soakConnections = Integer.parseInt(args[i + 1]);
                case "--soak-minutes" -> soakMinutes = Integer.parseInt(args[i + 1]);
                case "--soak-rate" -> soakRate = Integer.parseInt(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        List<URI> nodes = new ArrayList<>();
        for (String node : url.split(",")) {
            nodes.add(URI.create(node.endsWith("/") ? node : node + "/"));
        }
        List<Long> pids = new ArrayList<>();
        for (String p : pid.split(",")) {
            if (!p.isBlank()) {
                pids.add(Long.parseLong(p.strip()));
            }
        }
        GatewayBench bench = new GatewayBench(nodes, pids, apiKey);
        System.out.printf(Locale.ROOT, "Switchboard benchmark against %s (%d node(s), %d cores, Java %s); clients alternate between nodes%n",
                url, nodes.size(), Runtime.getRuntime().availableProcessors(), Runtime.version());
        if (only.isEmpty() || only.equals("idle")) {
            bench.idleConnections(idle);
            bench.connectRate(Math.min(idle, 1000));
        }
        if (only.isEmpty() || only.equals("direct")) {
            bench.directMessages(100, 2, 1, 10, Math.max(1, directMessages / 10), 1);
            bench.directMessages(100, 2, 4, 10, directMessages, 64);
        }
        if (only.isEmpty() || only.equals("broadcast")) {
            bench.broadcast(broadcastConnections, broadcasts, 8);
        }
        if (only.isEmpty() || only.equals("http")) {
            bench.httpPush(httpPushes, 8);
        }
        if (only.isEmpty() || only.equals("room")) {
            bench.roomFanOut(roomMembers, roomMessages, roomRate);
        }
        if (only.equals("soak")) {
            bench.soak(soakConnections, soakMinutes, soakRate);
        }
    }

    /**
     * Soak (only with {@code --only soak}): {@code connections} receivers spread over the nodes get
     * {@code rate} direct messages per second in all for {@code minutes}; prints each node's live heap after
     * GC and open file descriptors at start and end, progress every minute, and whether any acknowledged
     * delivery went missing.
     */
    private void soak(int connections, int minutes, int rate) throws Exception {
        List<Client> receivers = new ArrayList<>();
        for (int i = 0; i < connections; i++) {
            receivers.add(connect("soak-" + i, "[]"));
        }
        Client sender = connect("soak-sender", "[]");
        String start = nodeFootprint();
        System.out.printf(Locale.ROOT, "soak: %d connections, %d messages/s for %d min; at start %s%n", connections, rate, minutes, start);
        int count = rate * 60 * minutes;
        AtomicLong delivered = new AtomicLong();
        long began = System.nanoTime();
        sender.sendPaced(count, rate, i -> {
            if (i > 0 && i % (rate * 60) == 0) {
                String footprint;
                try {
                    footprint = nodeFootprint();
                } catch (IOException | InterruptedException e) {
                    footprint = "footprint unavailable: " + e;
                }
                System.out.printf(Locale.ROOT, "soak: minute %d: %d sent, %d delivered, %d received; %s%n",
                        i / (rate * 60), i, delivered.get(), receivers.stream().mapToLong(c -> c.received.get()).sum(), footprint);
            }
            return "{\"type\":\"message\",\"id\":" + i + ",\"to\":[\"soak-" + (i % connections) + "\"],\"content\":{\"t\":"
                    + System.nanoTime() + "}}";
        }, ack -> {
            Matcher counts = DELIVERED_COUNTS.matcher(ack);
            if (counts.find()) {
                Matcher n = COUNT.matcher(counts.group(1));
                while (n.find()) {
                    delivered.addAndGet(Long.parseLong(n.group(1)));
                }
            }
        });
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (receivers.stream().mapToLong(c -> c.received.get()).sum() < delivered.get() && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        long received = receivers.stream().mapToLong(c -> c.received.get()).sum();
        double seconds = (System.nanoTime() - began) / 1e9;
        List<Long> all = new ArrayList<>();
        receivers.forEach(c -> all.addAll(c.latencies));
        Collections.sort(all);
        System.out.printf(Locale.ROOT, "soak: %d sent in %.0f s, %d delivered (acked), %d received: %d lost; latency p50 %.1f ms p99 %.1f ms%n",
                count, seconds, delivered.get(), received, delivered.get() - received,
                percentile(all, 50), percentile(all, 99));
        System.out.printf(Locale.ROOT, "soak: at end %s (at start %s)%n", nodeFootprint(), start);
        closeAll(receivers);
        sender.close();
    }

    /** Per node: live heap after a full GC and open file descriptors (needs --pid). */
    private String nodeFootprint() throws IOException, InterruptedException {
        StringBuilder footprint = new StringBuilder();
        for (long node : pids) {
            jcmd(node, "GC.run");
            Matcher used = Pattern.compile("used (\\d+)K").matcher(jcmd(node, "GC.heap_info"));
            String[] fds = new java.io.File("/proc/" + node + "/fd").list();
            footprint.append(String.format(Locale.ROOT, "[pid %d: heap %s MB after GC, %d fds] ", node,
                    used.find() ? String.valueOf(Long.parseLong(used.group(1)) / 1024) : "?", fds == null ? -1 : fds.length));
        }
        return footprint.toString().strip();
    }

    /**
     * Room fan-out: {@code members} connections (alternating between the nodes) join one room; a publisher
     * outside it sends {@code messages} room messages, first at a fixed {@code rate} per second (latency at
     * moderate load), then as fast as a window of 8 un-acked messages allows.
     */
    private void roomFanOut(int members, int messages, int rate) throws Exception {
        String room = "bench-room-" + System.nanoTime();
        List<Client> listeners = new ArrayList<>();
        for (int i = 0; i < members; i++) {
            Client member = connect("member-" + i, "[]");
            member.socket.sendText("{\"type\":\"join\",\"room\":\"" + room + "\"}", true).join();
            listeners.add(member);
        }
        for (Client member : listeners) {
            if (!member.joined.await(60, TimeUnit.SECONDS)) {
                throw new IllegalStateException("a member did not get its joined reply");
            }
        }
        Thread.sleep(2000); // let the presence events of the joins drain
        Client publisher = connect("publisher", "[]");
        for (int phase = 0; phase < 2; phase++) {
            boolean paced = phase == 0;
            listeners.forEach(Client::reset);
            AtomicLong expected = new AtomicLong();
            long cpuBefore = serverCpuMs();
            long start = System.nanoTime();
            java.util.function.IntFunction<String> frame = i -> "{\"type\":\"publish\",\"room\":\"" + room
                    + "\",\"content\":{\"t\":" + System.nanoTime() + "}}";
            java.util.function.Consumer<String> acks = ack -> {
                Matcher m = DELIVERED_TOTAL.matcher(ack);
                if (m.find()) {
                    expected.addAndGet(Long.parseLong(m.group(1)));
                }
            };
            if (paced) {
                publisher.sendPaced(messages, rate, frame, acks);
            } else {
                publisher.sendWindowed(messages, 8, frame, acks);
            }
            awaitDeliveries(listeners, expected.get());
            double seconds = (System.nanoTime() - start) / 1e9;
            report(String.format(Locale.ROOT, "room fan-out: %d messages to %d members over %d node(s), %s", messages, members,
                    nodes.size(), paced ? rate + " messages/s" : "max rate (window 8)"), messages, seconds, expected.get(),
                    listeners, serverCpuMs() - cpuBefore);
        }
        closeAll(listeners);
        publisher.close();
    }

    /** Memory: RSS of the node before and after opening {@code count} idle connections. */
    private void idleConnections(int count) throws Exception {
        if (pid < 0) {
            System.out.println("idle connections: skipped (no --pid to read RSS from)");
            return;
        }
        long heapBefore = liveHeapKb();
        long before = rssKb();
        List<String> tokens = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            tokens.add(devToken("idle-" + i, "[]"));
        }
        List<Client> clients = new ArrayList<>();
        long start = System.nanoTime();
        for (String token : tokens) {
            clients.add(connectWith(base, token)); // all on the first node, whose memory is measured
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        Thread.sleep(2000);
        long after = rssKb();
        long heapAfter = liveHeapKb();
        System.out.printf(Locale.ROOT, "idle connections: %d opened in %.1f s (%.0f sequential handshakes/s); "
                        + "live heap after GC %d MB -> %d MB = %.1f KB per connection; node RSS %d MB -> %d MB%n",
                count, seconds, count / seconds, heapBefore / 1024, heapAfter / 1024, (heapAfter - heapBefore) / (double) count,
                before / 1024, after / 1024);
        closeAll(clients);
    }

    /** Handshake rate with 8 concurrent connectors spread over the nodes (tokens minted beforehand). */
    private void connectRate(int count) throws Exception {
        List<String> tokens = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            tokens.add(devToken("rate-" + i, "[]"));
        }
        List<Client> clients = Collections.synchronizedList(new ArrayList<>());
        ExecutorService pool = Executors.newFixedThreadPool(8);
        long start = System.nanoTime();
        List<CompletableFuture<Void>> done = new ArrayList<>();
        for (String token : tokens) {
            URI node = nextNode();
            done.add(CompletableFuture.runAsync(() -> {
                try {
                    clients.add(connectWith(node, token));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }, pool));
        }
        CompletableFuture.allOf(done.toArray(CompletableFuture[]::new)).get(10, TimeUnit.MINUTES);
        double seconds = (System.nanoTime() - start) / 1e9;
        pool.shutdown();
        System.out.printf(Locale.ROOT, "connect rate: %d connections from 8 threads in %.2f s = %.0f handshakes/s%n",
                count, seconds, count / seconds);
        closeAll(clients);
    }

    /**
     * Direct messages: {@code users} users with {@code perUser} connections each; {@code senders}
     * connections each send their share of {@code messages} to {@code fanout} random users, keeping at
     * most {@code window} un-acked messages in flight.
     */
    private void directMessages(int users, int perUser, int senders, int fanout, int messages, int window) throws Exception {
        List<Client> receivers = new ArrayList<>();
        for (int u = 0; u < users; u++) {
            for (int c = 0; c < perUser; c++) {
                receivers.add(connect("rcv-" + u, "[]"));
            }
        }
        List<Client> senderClients = new ArrayList<>();
        for (int s = 0; s < senders; s++) {
            senderClients.add(connect("snd-" + s, "[]"));
        }
        AtomicLong expected = new AtomicLong();
        long cpuBefore = serverCpuMs();
        long start = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(senders);
        List<CompletableFuture<Void>> done = new ArrayList<>();
        for (int s = 0; s < senders; s++) {
            Client sender = senderClients.get(s);
            int share = messages / senders;
            done.add(CompletableFuture.runAsync(() -> sender.sendWindowed(share, window, i -> {
                Random random = new Random(i);
                StringBuilder to = new StringBuilder();
                for (int r = 0; r < fanout; r++) {
                    to.append(r == 0 ? "" : ",").append("\"rcv-").append(random.nextInt(users)).append('"');
                }
                return "{\"type\":\"message\",\"to\":[" + to + "],\"content\":{\"t\":" + System.nanoTime() + "}}";
            }, ack -> expected.addAndGet(sumCounts(ack))), pool));
        }
        CompletableFuture.allOf(done.toArray(CompletableFuture[]::new)).get(10, TimeUnit.MINUTES);
        pool.shutdown();
        awaitDeliveries(receivers, expected.get());
        double seconds = (System.nanoTime() - start) / 1e9;
        report(String.format(Locale.ROOT, "direct: %d messages x %d recipients (%d users x %d connections, %d senders, window %d)",
                messages, fanout, users, perUser, senders, window), messages, seconds, expected.get(), receivers,
                serverCpuMs() - cpuBefore);
        closeAll(receivers);
        closeAll(senderClients);
    }

    /** Broadcast fan-out: {@code connections} listeners, {@code count} broadcasts with a window. */
    private void broadcast(int connections, int count, int window) throws Exception {
        List<Client> listeners = new ArrayList<>();
        for (int i = 0; i < connections; i++) {
            listeners.add(connect("fan-" + i, "[]"));
        }
        Client sender = connect("broadcaster", "[\"broadcast\"]");
        AtomicLong expected = new AtomicLong();
        long cpuBefore = serverCpuMs();
        long start = System.nanoTime();
        sender.sendWindowed(count, window, i -> "{\"type\":\"broadcast\",\"content\":{\"t\":" + System.nanoTime() + "}}",
                ack -> {
                    Matcher m = DELIVERED_TOTAL.matcher(ack);
                    if (m.find()) {
                        expected.addAndGet(Long.parseLong(m.group(1)) - 1); // the broadcaster's own copy
                    }
                });
        awaitDeliveries(listeners, expected.get());
        double seconds = (System.nanoTime() - start) / 1e9;
        report(String.format(Locale.ROOT, "broadcast: %d broadcasts to %d connections (window %d)", count, connections, window),
                count, seconds, expected.get(), listeners, serverCpuMs() - cpuBefore);
        closeAll(listeners);
        sender.close();
    }

    /** HTTP push: {@code count} POST /api/messages from {@code threads} threads to one listening user. */
    private void httpPush(int count, int threads) throws Exception {
        Client receiver = connect("http-rcv", "[]");
        List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
        AtomicLong failures = new AtomicLong();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch finished = new CountDownLatch(count);
        long start = System.nanoTime();
        for (int i = 0; i < count; i++) {
            pool.execute(() -> {
                long t0 = System.nanoTime();
                try {
                    HttpResponse<String> response = http.send(HttpRequest.newBuilder(nextNode().resolve("api/messages"))
                            .header("Content-Type", "application/json").header("X-Api-Key", apiKey)
                            .POST(HttpRequest.BodyPublishers.ofString(
                                    "{\"from\":\"bench\",\"to\":[\"http-rcv\"],\"content\":{\"t\":" + t0 + "}}"))
                            .build(), HttpResponse.BodyHandlers.ofString());
                    if (response.statusCode() != 200) {
                        failures.incrementAndGet();
                    }
                    latencies.add(System.nanoTime() - t0);
                } catch (IOException | InterruptedException e) {
                    failures.incrementAndGet();
                } finally {
                    finished.countDown();
                }
            });
        }
        finished.await(10, TimeUnit.MINUTES);
        double seconds = (System.nanoTime() - start) / 1e9;
        pool.shutdown();
        awaitDeliveries(List.of(receiver), count - failures.get());
        List<Long> sorted = new ArrayList<>(latencies);
        Collections.sort(sorted);
        System.out.printf(Locale.ROOT, "http push: %d requests from %d threads in %.2f s = %.0f req/s; request p50 %.2f ms, p99 %.2f ms; failures %d; delivered %d%n",
                count, threads, seconds, count / seconds, percentile(sorted, 50), percentile(sorted, 99), failures.get(),
                receiver.received.get());
        receiver.close();
    }

    private void report(String title, int messages, double seconds, long expected, List<Client> receivers, long serverCpuMs) {
        List<Long> all = new ArrayList<>();
        long received = 0;
        for (Client client : receivers) {
            synchronized (client.latencies) {
                all.addAll(client.latencies);
            }
            received += client.received.get();
        }
        Collections.sort(all);
        System.out.printf(Locale.ROOT, "%s%n  %.2f s: %.0f messages/s, %.0f deliveries/s; latency p50 %.2f ms, p99 %.2f ms, max %.2f ms; "
                        + "acked deliveries %d, received %d, lost %d; server CPU %.1f s (%.1f µs per delivery)%n",
                title, seconds, messages / seconds, received / seconds, percentile(all, 50), percentile(all, 99),
                all.isEmpty() ? 0 : all.get(all.size() - 1) / 1e6, expected, received, Math.max(0, expected - received),
                serverCpuMs / 1000.0, received == 0 ? 0 : serverCpuMs * 1000.0 / received);
    }

    private static double percentile(List<Long> sorted, int p) {
        if (sorted.isEmpty()) {
            return 0;
        }
        int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index))) / 1e6;
    }

    private static long sumCounts(String ack) {
        Matcher object = DELIVERED_COUNTS.matcher(ack);
        long sum = 0;
        if (object.find()) {
            Matcher count = COUNT.matcher(object.group(1));
            while (count.find()) {
                sum += Long.parseLong(count.group(1));
            }
        }
        return sum;
    }

    private static void awaitDeliveries(List<Client> clients, long expected) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            long received = clients.stream().mapToLong(c -> c.received.get()).sum();
            if (received >= expected) {
                return;
            }
            Thread.sleep(20);
        }
    }

    /** The node's user+system CPU time so far, in ms (from /proc; -1 without --pid). */
    private long serverCpuMs() {
        long total = 0;
        for (long node : pids) {
            try {
                String stat = Files.readString(Path.of("/proc/" + node + "/stat"));
                String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                total += (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * 10; // 100 ticks per second
            } catch (IOException e) {
                return -1;
            }
        }
        return pids.isEmpty() ? -1 : total;
    }

    /** The node's heap in use right after a full GC (via jcmd), in KB. */
    private long liveHeapKb() throws IOException, InterruptedException {
        jcmd("GC.run");
        Matcher used = Pattern.compile("used (\\d+)K").matcher(jcmd("GC.heap_info"));
        if (!used.find()) {
            throw new IOException("cannot read heap use of pid " + pid);
        }
        return Long.parseLong(used.group(1));
    }

    private String jcmd(String command) throws IOException, InterruptedException {
        return jcmd(pid, command);
    }

    private static String jcmd(long pid, String command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder("jcmd", String.valueOf(pid), command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        process.waitFor(60, TimeUnit.SECONDS);
        return output;
    }

    private long rssKb() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", ""));
            }
        }
        throw new IOException("no VmRSS for pid " + pid);
    }

    private String devToken(String user, String groups) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(base.resolve("api/dev/tokens"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"user\":\"" + user + "\",\"groups\":" + groups + "}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        Matcher m = TOKEN.matcher(response.body());
        if (response.statusCode() != 200 || !m.find()) {
            throw new IOException("dev token endpoint answered " + response.statusCode() + ": " + response.body());
        }
        return m.group(1);
    }

    /** Connects to the next node in turn. */
    private Client connect(String user, String groups) throws Exception {
        return connectWith(nextNode(), devToken(user, groups));
    }

    private URI nextNode() {
        return nodes.get((int) (nextNode.getAndIncrement() % nodes.size()));
    }

    /** One handshake (token verification included) until the welcome frame. */
    private Client connectWith(URI node, String token) throws Exception {
        String ws = node.toString().replaceFirst("^http", "ws") + "ws?token="
                + URLEncoder.encode(token, StandardCharsets.UTF_8);
        Client client = new Client();
        client.socket = http.newWebSocketBuilder().buildAsync(URI.create(ws), client).get(10, TimeUnit.SECONDS);
        client.welcomed.await(10, TimeUnit.SECONDS);
        return client;
    }

    private static void closeAll(List<Client> clients) {
        clients.forEach(Client::close);
    }

    /** One connection: records message latencies, counts deliveries, releases the send window on acks. */
    private static final class Client implements WebSocket.Listener {
        WebSocket socket;
        final CountDownLatch welcomed = new CountDownLatch(1);
        final CountDownLatch joined = new CountDownLatch(1);
        final AtomicLong received = new AtomicLong();
        final List<Long> latencies = new ArrayList<>();
        private final StringBuilder partial = new StringBuilder();
        private volatile Semaphore window;
        private volatile java.util.function.Consumer<String> onAck;

        void sendWindowed(int count, int size, java.util.function.IntFunction<String> frame, java.util.function.Consumer<String> acks) {
            window = new Semaphore(size);
            onAck = acks;
            try {
                for (int i = 0; i < count; i++) {
                    window.acquire();
                    socket.sendText(frame.apply(i), true).join();
                }
                window.acquire(size); // every ack is in
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        /** Sends {@code count} frames at {@code rate} per second (open loop, however fast the acks come). */
        void sendPaced(int count, int rate, java.util.function.IntFunction<String> frame, java.util.function.Consumer<String> acks) {
            window = new Semaphore(count);
            onAck = acks;
            long start = System.nanoTime();
            try {
                for (int i = 0; i < count; i++) {
                    long due = start + i * 1_000_000_000L / rate;
                    long wait = due - System.nanoTime();
                    if (wait > 0) {
                        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                    }
                    window.acquire();
                    socket.sendText(frame.apply(i), true).join();
                }
                window.acquire(count);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        /** Forgets what was received so far (between phases of one scenario). */
        void reset() {
            received.set(0);
            synchronized (latencies) {
                latencies.clear();
            }
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                String frame = partial.toString();
                partial.setLength(0);
                handle(frame);
            }
            webSocket.request(1);
            return null;
        }

        private void handle(String frame) {
            long now = System.nanoTime();
            if (frame.startsWith("{\"type\":\"welcome\"")) {
                welcomed.countDown();
            } else if (frame.startsWith("{\"type\":\"joined\"")) {
                joined.countDown();
            } else if (frame.startsWith("{\"type\":\"ack\"")) {
                onAck.accept(frame);
                window.release();
            } else if (frame.startsWith("{\"type\":\"message\"") || frame.startsWith("{\"type\":\"broadcast\"")) {
                Matcher m = NANOS.matcher(frame);
                if (m.find()) {
                    synchronized (latencies) {
                        latencies.add(now - Long.parseLong(m.group(1)));
                    }
                }
                received.incrementAndGet();
            } else if (frame.startsWith("{\"type\":\"error\"")) {
                System.err.println("error frame: " + frame);
                if (window != null) {
                    window.release();
                }
            }
        }

        void close() {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").exceptionally(e -> null);
        }
    }
}
