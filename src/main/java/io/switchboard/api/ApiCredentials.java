package io.switchboard.api;

import io.switchboard.config.SwitchboardConfig;
import io.switchboard.limits.KeyedRateLimiter;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;

/**
 * The backend API's accepted key digests and its per-credential request limiter, built once from config.
 * Thread-safe: immutable digests and a concurrent limiter.
 */
@ApplicationScoped
public class ApiCredentials {

    @Inject
    SwitchboardConfig config;

    private List<byte[]> keyDigests;
    private KeyedRateLimiter requestsPerCredential;

    @PostConstruct
    void init() {
        keyDigests = List.copyOf(config.apiKeyDigests());
        requestsPerCredential = new KeyedRateLimiter(config.apiRequestsPerSecond(), config.apiBurst(), config.trackedClients());
    }

    /** SHA-256 digests of every accepted API key. */
    List<byte[]> keyDigests() {
        return keyDigests;
    }

    KeyedRateLimiter requestsPerCredential() {
        return requestsPerCredential;
    }
}
