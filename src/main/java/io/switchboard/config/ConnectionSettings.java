package io.switchboard.config;

import java.time.Duration;

/**
 * What one client connection may send and be sent: the largest text frame ({@code switchboard.frame.max-bytes},
 * UTF-8 bytes), the longest recipient list ({@code switchboard.message.max-recipients}), its send queue's bounds
 * ({@code switchboard.send-queue.*}), how long one write may be stuck ({@code switchboard.send.timeout-ms}) and
 * the node's writer threads ({@code switchboard.send.threads}), and how far frames are joined for clients that
 * opted in ({@code switchboard.connection.batch-*}).
 */
public record ConnectionSettings(int maxFrameBytes, int maxRecipients, int sendQueueMaxFrames, long sendQueueMaxBytes,
        Duration sendTimeout, int sendThreads, int batchMaxFrames, int batchMaxBytes, Duration batchDelay) {

    static ConnectionSettings read(SettingsReader settings) {
        return new ConnectionSettings(settings.positiveInt("switchboard.frame.max-bytes", 65_536),
                settings.positiveInt("switchboard.message.max-recipients", 100),
                settings.positiveInt("switchboard.send-queue.max-frames", 1024),
                settings.positive("switchboard.send-queue.max-bytes", 8_388_608),
                settings.positiveMillis("switchboard.send.timeout-ms", 10_000),
                settings.positiveInt("switchboard.send.threads", 32),
                settings.between("switchboard.connection.batch-max-frames", 16, 1, 1024),
                settings.between("switchboard.connection.batch-max-bytes", 65_536, 1, 16_777_216),
                Duration.ofMillis(settings.between("switchboard.connection.batch-delay-ms", 0, 0, 1000)));
    }
}
