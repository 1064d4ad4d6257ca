package io.switchboard.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import org.junit.jupiter.api.Test;

/** The two small checks the handshake, the ticket endpoint and the backend API share. */
class BearerTokenTest {

    @Test
    void readsTheTokenOfABearerHeaderOnly() {
        assertEquals("abc.def", BearerToken.of("Bearer abc.def"));
        assertEquals("abc.def", BearerToken.of("bearer  abc.def "), "the scheme is case-insensitive");
        assertNull(BearerToken.of(null));
        assertNull(BearerToken.of("Basic dXNlcjpwYXNz"));
        assertNull(BearerToken.of("Bearer"));
    }

    @Test
    void allowsListedOriginsAndRequestsWithoutOne() {
        OriginPolicy listed = new OriginPolicy(Set.of("https://chat.example.com"));
        assertTrue(listed.allows("https://chat.example.com"));
        assertFalse(listed.allows("https://evil.example.com"));
        assertTrue(listed.allows(null), "not from a browser page");
        assertTrue(new OriginPolicy(Set.of()).allows("https://anywhere.example.com"), "none configured: any");
    }
}
