package io.switchboard.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class SwitchboardConfigTest {

    @Test
    void refusesNonPositiveLimits() {
        SwitchboardConfig config = TestConfig.defaults();
        config.sendQueueMaxFrames = 0;
        IllegalStateException e = assertThrows(IllegalStateException.class, config::validate);
        assertTrue(e.getMessage().contains("switchboard.send-queue.max-frames"), e.getMessage());
    }

    @Test
    void refusesBothInlineAndLocatedPublicKeys() {
        SwitchboardConfig config = TestConfig.defaults();
        config.jwtPublicKey = Optional.of("x");
        config.jwtPublicKeyLocation = Optional.of("y");
        assertThrows(IllegalStateException.class, config::validate);
    }

    @Test
    void generatesANodeIdWhenNoneIsConfigured() {
        SwitchboardConfig config = TestConfig.defaults();
        assertEquals("test-node", config.nodeId());
        config.configuredNodeId = Optional.empty();
        config.validate();
        assertTrue(config.nodeId().matches("node-[0-9a-f]{8}"), config.nodeId());
    }
}
