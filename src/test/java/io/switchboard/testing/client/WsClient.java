package io.switchboard.testing.client;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A real WebSocket client (java.net.http) that queues every text frame it receives, for tests. It
 * answers server pings (the JDK does), so it stays alive through heartbeats.
 */
public final class WsClient implements AutoCloseable {
    public static final Duration TIMEOUT = Duration.ofSeconds(10);

    /** How the client presents its token. */
    public enum TokenIn { HEADER, QUERY }

    /** The server's close frame, or 1006 if the connection dropped without one. */
    public record Closed(int code, String reason) {
    }

    private final WebSocket socket;
    private final BlockingQueue<String> frames;
    private final CompletableFuture<Closed> closed;

    private WsClient(WebSocket socket, BlockingQueue<String> frames, CompletableFuture<Closed> closed) {
        this.socket = socket;
        this.frames = frames;
        this.closed = closed;
    }

    public static WsClient connect(URI base, String token) {
        return connect(base, token, TokenIn.QUERY);
    }

    public static WsClient connect(URI base, String token, TokenIn where) {
        BlockingQueue<String> frames = new LinkedBlockingQueue<>();
        CompletableFuture<Closed> closed = new CompletableFuture<>();
        WebSocket.Builder builder = HttpClient.newHttpClient().newWebSocketBuilder().connectTimeout(TIMEOUT);
        URI uri = wsUri(base, where == TokenIn.QUERY && token != null ? token : null);
        if (where == TokenIn.HEADER && token != null) {
            builder.header("Authorization", "Bearer " + token);
        }
        WebSocket socket = builder.buildAsync(uri, new Listener(frames, closed)).orTimeout(TIMEOUT.toSeconds(), TimeUnit.SECONDS).join();
        return new WsClient(socket, frames, closed);
    }

    /** Connects with the token in the query and more query parameters ({@code "since=...&device=..."}). */
    public static WsClient connect(URI base, String token, String extraQuery) {
        return connect(HttpClient.newHttpClient(), base, token, extraQuery);
    }

    /** The same through a given client; an {@code https} base connects with {@code wss}. */
    public static WsClient connect(HttpClient http, URI base, String token, String extraQuery) {
        BlockingQueue<String> frames = new LinkedBlockingQueue<>();
        CompletableFuture<Closed> closed = new CompletableFuture<>();
        URI uri = URI.create(wsUri(base, token) + (extraQuery.isEmpty() ? "" : "&" + extraQuery));
        WebSocket socket = http.newWebSocketBuilder().connectTimeout(TIMEOUT)
                .buildAsync(uri, new Listener(frames, closed)).orTimeout(TIMEOUT.toSeconds(), TimeUnit.SECONDS).join();
        return new WsClient(socket, frames, closed);
    }

    /** Connects with no token, only {@code query} ({@code "ticket=..."}). */
    public static WsClient connectWithQuery(URI base, String query) {
        BlockingQueue<String> frames = new LinkedBlockingQueue<>();
        CompletableFuture<Closed> closed = new CompletableFuture<>();
        URI uri = URI.create(wsUri(base, null) + "?" + query);
        WebSocket socket = HttpClient.newHttpClient().newWebSocketBuilder().connectTimeout(TIMEOUT)
                .buildAsync(uri, new Listener(frames, closed)).orTimeout(TIMEOUT.toSeconds(), TimeUnit.SECONDS).join();
        return new WsClient(socket, frames, closed);
    }

    /** Attempts a handshake with no token and {@code query} that should fail; returns its HTTP status. */
    public static int refusedStatusWithQuery(URI base, String query) {
        return refusedStatus(() -> connectWithQuery(base, query));
    }

    /** Attempts a handshake with extra query parameters that should fail; returns its HTTP status. */
    public static int refusedStatus(URI base, String token, String extraQuery) {
        return refusedStatus(() -> connect(base, token, extraQuery));
    }

    /** Attempts a handshake that should fail, returning the HTTP status it failed with. */
    public static int refusedStatus(URI base, String token, TokenIn where) {
        return refusedStatus(() -> connect(base, token, where));
    }

    private static int refusedStatus(java.util.function.Supplier<WsClient> handshake) {
        try (WsClient unexpected = handshake.get()) {
            throw new AssertionError("Handshake was accepted");
        } catch (CompletionException e) {
            if (e.getCause() instanceof WebSocketHandshakeException refused) {
                return refused.getResponse().statusCode();
            }
            throw e;
        }
    }

    public static URI wsUri(URI base, String queryToken) {
        String http = base.toString().endsWith("/") ? base.toString() : base + "/";
        String ws = http.replaceFirst("^http", "ws") + "ws";
        return URI.create(queryToken == null ? ws : ws + "?token=" + URLEncoder.encode(queryToken, StandardCharsets.UTF_8));
    }

    public void send(String text) {
        socket.sendText(text, true).orTimeout(TIMEOUT.toSeconds(), TimeUnit.SECONDS).join();
    }

    public void sendBinary(byte[] data) {
        socket.sendBinary(ByteBuffer.wrap(data), true).orTimeout(TIMEOUT.toSeconds(), TimeUnit.SECONDS).join();
    }

    /** The next frame, parsed; fails if none arrives in time. */
    public JsonObject next() {
        return Json.createReader(new StringReader(nextText())).readObject();
    }

    /** The next frame as the server sent it (joined frames of a {@code batch=1} connection unsplit). */
    public String nextText() {
        try {
            String frame = frames.poll(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            if (frame == null) {
                throw new AssertionError("No frame within " + TIMEOUT
                        + (closed.isDone() ? "; the server closed the connection: " + closed.join() : ""));
            }
            return frame;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** The next {@code count} frames of a {@code batch=1} connection, joined frames split at {@code \n}, parsed. */
    public List<JsonObject> nextSplit(int count) {
        List<JsonObject> parsed = new ArrayList<>();
        while (parsed.size() < count) {
            for (String line : nextText().split("\n", -1)) {
                parsed.add(Json.createReader(new StringReader(line)).readObject());
            }
        }
        if (parsed.size() > count) {
            throw new AssertionError("More frames than the " + count + " expected: " + parsed);
        }
        return parsed;
    }

    /** Skips frames until one of the given type arrives. */
    public JsonObject next(String type) {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            JsonObject frame = next();
            if (type.equals(frame.getString("type"))) {
                return frame;
            }
        }
        throw new AssertionError("No '" + type + "' frame within " + TIMEOUT);
    }

    /** Asserts that no frame arrives for a while (used sparingly: it waits the whole period). */
    public String pollQuietly(Duration wait) throws InterruptedException {
        return frames.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
    }

    public Closed awaitClose() {
        return closed.orTimeout(TIMEOUT.toSeconds(), TimeUnit.SECONDS).join();
    }

    public boolean isClosed() {
        return closed.isDone();
    }

    /** Drops the connection without a close handshake, as a broken network would; it then counts as closed (1006). */
    public void abort() {
        socket.abort();
        closed.complete(new Closed(1006, "aborted by the client"));
    }

    @Override
    public void close() {
        if (!socket.isOutputClosed()) {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye");
        }
        socket.abort();
    }

    private static final class Listener implements WebSocket.Listener {
        private final BlockingQueue<String> frames;
        private final CompletableFuture<Closed> closed;
        private final StringBuilder partial = new StringBuilder();

        Listener(BlockingQueue<String> frames, CompletableFuture<Closed> closed) {
            this.frames = frames;
            this.closed = closed;
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                frames.add(partial.toString());
                partial.setLength(0);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closed.complete(new Closed(statusCode, reason));
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            closed.complete(new Closed(1006, String.valueOf(error)));
        }
    }
}
