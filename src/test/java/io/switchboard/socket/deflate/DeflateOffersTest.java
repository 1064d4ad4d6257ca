package io.switchboard.socket.deflate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.websocket.Extension;
import java.util.List;
import java.util.Optional;
import org.glassfish.tyrus.core.TyrusExtension;
import org.junit.jupiter.api.Test;

/** Offers parsed by Tyrus' own header parser, as Payara hands them to the configurator. */
class DeflateOffersTest {

    private static Optional<Extension> choose(String... headerValues) {
        return DeflateOffers.firstAcceptable(TyrusExtension.fromHeaders(List.of(headerValues)));
    }

    @Test
    void acceptsWhatBrowsersOffer() {
        // Chromium and Firefox: "permessage-deflate; client_max_window_bits"
        assertTrue(choose("permessage-deflate; client_max_window_bits").isPresent());
        assertTrue(choose("permessage-deflate").isPresent());
        assertTrue(choose("permessage-deflate; server_no_context_takeover; client_no_context_takeover").isPresent());
        assertTrue(choose("permessage-deflate; client_max_window_bits=10; server_max_window_bits=15").isPresent());
    }

    @Test
    void declinesAServerWindowUnder15BitsAndTakesTheNextOffer() {
        assertFalse(choose("permessage-deflate; server_max_window_bits=10").isPresent());
        Optional<Extension> chosen = choose("permessage-deflate; server_max_window_bits=10, permessage-deflate");
        assertTrue(chosen.isPresent());
        assertEquals(List.of(), chosen.get().getParameters());
    }

    @Test
    void declinesUnknownRepeatedOrMalformedParameters() {
        assertFalse(choose("permessage-deflate; mystery").isPresent());
        assertFalse(choose("permessage-deflate; client_max_window_bits; client_max_window_bits").isPresent());
        assertFalse(choose("permessage-deflate; client_max_window_bits=16").isPresent());
        assertFalse(choose("permessage-deflate; client_max_window_bits=010").isPresent());
        assertFalse(choose("permessage-deflate; server_max_window_bits").isPresent());
        assertFalse(choose("permessage-deflate; server_no_context_takeover=1").isPresent());
        assertFalse(choose("x-webkit-deflate-frame").isPresent());
        assertFalse(DeflateOffers.firstAcceptable(null).isPresent());
    }

    @Test
    void answersWithoutContextTakeoverEitherWay() {
        assertEquals(List.of("server_no_context_takeover", "client_no_context_takeover"),
                DeflateOffers.RESPONSE.stream().map(Extension.Parameter::getName).toList());
        assertTrue(DeflateOffers.RESPONSE.stream().allMatch(p -> p.getValue() == null));
    }
}
