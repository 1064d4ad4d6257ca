package io.switchboard.config;

import java.util.Optional;

/** Sets {@code mp.jwt.verify.publickey} on a test config. */
public final class InlineKey {

    private InlineKey() {
    }

    public static SwitchboardConfig set(SwitchboardConfig config, String key) {
        config.jwtPublicKey = Optional.of(key);
        config.validate();
        return config;
    }
}
