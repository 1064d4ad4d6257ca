package io.switchboard.testing.client;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Calls the HTTP API as a backend would. */
public final class ApiClient {
    public static final String API_KEY = "it-secret-key";

    /** A response: status, content type and the body parsed as JSON (null if empty or not JSON). */
    public record Reply(int status, String contentType, String body) {
        public JsonObject json() {
            return Json.createReader(new StringReader(body)).readObject();
        }
    }

    private final HttpClient http;
    private final URI base;

    public ApiClient(URI base) {
        this(base, HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build());
    }

    /** Through a given client (e.g. one that trusts a test CA). */
    public ApiClient(URI base, HttpClient http) {
        this.base = base.toString().endsWith("/") ? base : URI.create(base + "/");
        this.http = http;
    }

    public Reply post(String path, String contentType, String body, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(10))
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        if (headers.length > 0) {
            request.headers(headers);
        }
        return send(request.build());
    }

    /** POSTs JSON with the test API key. */
    public Reply postJson(String path, String body) {
        return post(path, "application/json", body, "X-Api-Key", API_KEY);
    }

    public Reply get(String path, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(10)).GET();
        if (headers.length > 0) {
            request.headers(headers);
        }
        return send(request.build());
    }

    /** GETs with the test API key. */
    public Reply getApi(String path) {
        return get(path, "X-Api-Key", API_KEY);
    }

    /** DELETEs with the test API key. */
    public Reply deleteApi(String path) {
        return send(HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(10)).DELETE()
                .header("X-Api-Key", API_KEY).build());
    }

    /** Connections the user has on the gateway, from the presence API. */
    public int connectionsOf(String user) {
        return get("api/users/" + user + "/presence", "X-Api-Key", API_KEY).json().getInt("connections");
    }

    /** A counter from {@code GET /api/stats}. */
    public long stat(String name) {
        return get("api/stats", "X-Api-Key", API_KEY).json().getJsonNumber(name).longValue();
    }

    private Reply send(HttpRequest request) {
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            return new Reply(response.statusCode(), response.headers().firstValue("Content-Type").orElse(""), response.body());
        } catch (IOException e) {
            throw new AssertionError(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
