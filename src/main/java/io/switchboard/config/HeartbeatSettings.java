package io.switchboard.config;

import java.time.Duration;

/**
 * {@code switchboard.heartbeat.*}: a protocol ping every {@code interval}; a connection silent for
 * interval + {@code timeout}, whose latest ping went unanswered for {@code timeout}, is closed.
 */
public record HeartbeatSettings(Duration interval, Duration timeout) {

    static HeartbeatSettings read(SettingsReader settings) {
        return new HeartbeatSettings(settings.positiveMillis("switchboard.heartbeat.interval-ms", 25_000),
                settings.positiveMillis("switchboard.heartbeat.timeout-ms", 10_000));
    }
}
