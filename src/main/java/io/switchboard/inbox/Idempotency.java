package io.switchboard.inbox;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * A backend's {@code Idempotency-Key}, scoped to the credential that sent it (two backends never share
 * keys), with a digest of the request it came with (the same key with another request is a conflict,
 * not a retry). {@code scopedKey} is length-prefixed, so distinct (credential, key) pairs never collide.
 * Immutable.
 */
public record Idempotency(String scopedKey, String requestDigest) {

    /** The key {@code key} of {@code credential} for a request whose canonical text is {@code request}. */
    public static Idempotency of(String credential, String key, String request) {
        return new Idempotency(credential.length() + ":" + credential + key, digest(request));
    }

    private static String digest(String text) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(hash);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
