package io.switchboard.security;

/** Reads the token of an {@code Authorization: Bearer <token>} header (scheme case-insensitive). Stateless. */
public final class BearerToken {

    private BearerToken() {
    }

    /** The token in {@code authorization}, or null when the header is absent or not a bearer header. */
    public static String of(String authorization) {
        return authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)
                ? authorization.substring(7).strip() : null;
    }
}
