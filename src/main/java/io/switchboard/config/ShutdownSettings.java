package io.switchboard.config;

import java.time.Duration;

/**
 * {@code switchboard.shutdown.*}: over how long a stopping node spreads telling its clients to reconnect
 * ({@code drain}), and the longest it drains before the container goes on stopping ({@code grace} >= drain).
 */
public record ShutdownSettings(Duration drain, Duration grace) {

    static ShutdownSettings read(SettingsReader settings) {
        ShutdownSettings read = new ShutdownSettings(settings.millis("switchboard.shutdown.drain-ms", 5000),
                settings.millis("switchboard.shutdown.grace-ms", 10_000));
        if (read.grace.compareTo(read.drain) < 0) {
            throw new IllegalStateException("need switchboard.shutdown.drain-ms <= switchboard.shutdown.grace-ms");
        }
        return read;
    }
}
