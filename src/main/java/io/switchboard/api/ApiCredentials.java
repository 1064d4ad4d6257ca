package io.switchboard.api;

import io.switchboard.config.LimitSettings;
import io.switchboard.config.SwitchboardConfig;
import io.switchboard.limits.KeyedRateLimiter;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;

/**
 * The backend API's accepted keys, held only as SHA-256 digests (a plain {@code switchboard.api.key} is hashed
 * here), and its per-credential request limiter, built once from config.
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
        List<byte[]> digests = new ArrayList<>(config.api().keyDigests());
        config.api().key().ifPresent(key -> digests.add(sha256(key)));
        keyDigests = List.copyOf(digests);
        LimitSettings limits = config.limits();
        requestsPerCredential = new KeyedRateLimiter(limits.apiRequestsPerSecond(), limits.apiBurst(), limits.trackedClients());
    }

    /**
     * The digest of {@code presentedKey} if it is an accepted API key, else null. Compares with every
     * accepted digest, without an early exit, so timing does not tell which key (or whether any) matched.
     */
    byte[] digestIfAccepted(String presentedKey) {
        byte[] presented = sha256(presentedKey);
        boolean match = false;
        for (byte[] digest : keyDigests) {
            match |= MessageDigest.isEqual(digest, presented);
        }
        return match ? presented : null;
    }

    /** SHA-256 of a key's UTF-8 bytes: how keys are configured ({@code switchboard.api.key-sha256}) and compared. */
    public static byte[] sha256(String key) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    KeyedRateLimiter requestsPerCredential() {
        return requestsPerCredential;
    }
}
