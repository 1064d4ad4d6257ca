package io.switchboard.pusher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.pusher.PusherChannel.Kind;
import org.junit.jupiter.api.Test;

class PusherChannelTest {
    @Test
    void theNamesPrefixDecidesTheKindAndWhetherItCaches() {
        assertEquals(new PusherChannel("orders", Kind.PUBLIC, false), PusherChannel.of("orders"));
        assertEquals(new PusherChannel("cache-prices", Kind.PUBLIC, true), PusherChannel.of("cache-prices"));
        assertEquals(new PusherChannel("private-a", Kind.PRIVATE, false), PusherChannel.of("private-a"));
        assertEquals(new PusherChannel("private-cache-a", Kind.PRIVATE, true), PusherChannel.of("private-cache-a"));
        assertEquals(new PusherChannel("presence-lobby", Kind.PRESENCE, false), PusherChannel.of("presence-lobby"));
        assertEquals(new PusherChannel("presence-cache-x", Kind.PRESENCE, true), PusherChannel.of("presence-cache-x"));
        assertEquals(new PusherChannel("private-encrypted-x", Kind.PRIVATE_ENCRYPTED, false), PusherChannel.of("private-encrypted-x"));
        assertEquals(Kind.PRIVATE_ENCRYPTED, PusherChannel.of("private-encrypted-cache-x").kind());
        assertTrue(PusherChannel.of("private-encrypted-cache-x").cache());
    }

    @Test
    void onlyPrivateAndPresenceChannelsTakeClientEventsAndEveryNonPublicOneNeedsAuth() {
        assertFalse(Kind.PUBLIC.allowsClientEvents());
        assertTrue(Kind.PRIVATE.allowsClientEvents());
        assertTrue(Kind.PRESENCE.allowsClientEvents());
        assertFalse(Kind.PRIVATE_ENCRYPTED.allowsClientEvents());
        assertFalse(Kind.PUBLIC.needsAuth());
        assertTrue(Kind.PRIVATE.needsAuth() && Kind.PRESENCE.needsAuth() && Kind.PRIVATE_ENCRYPTED.needsAuth());
    }

    @Test
    void refusesNamesPusherRefuses() {
        assertThrows(IllegalArgumentException.class, () -> PusherChannel.of(""));
        assertThrows(IllegalArgumentException.class, () -> PusherChannel.of(null));
        assertThrows(IllegalArgumentException.class, () -> PusherChannel.of("with space"));
        assertThrows(IllegalArgumentException.class, () -> PusherChannel.of("slash/no"));
        assertThrows(IllegalArgumentException.class, () -> PusherChannel.of("x".repeat(PusherChannel.MAX_LENGTH + 1)));
        assertEquals(PusherChannel.MAX_LENGTH, PusherChannel.of("x".repeat(PusherChannel.MAX_LENGTH)).name().length());
        assertEquals("a_-=@,.;9", PusherChannel.of("a_-=@,.;9").name());
    }

    @Test
    void socketIdsHaveTheFormTheLibrariesSign() {
        for (int i = 0; i < 1000; i++) {
            assertTrue(SocketIds.wellFormed(SocketIds.next()));
        }
        assertFalse(SocketIds.wellFormed("1234"));
        assertFalse(SocketIds.wellFormed("12.34.56"));
        assertFalse(SocketIds.wellFormed("a.b"));
        assertFalse(SocketIds.wellFormed(null));
    }
}
