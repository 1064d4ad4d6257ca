package io.switchboard.config;

import java.time.Duration;

/**
 * {@code switchboard.inbox.*}: whether direct messages are stored in each recipient's inbox before they are
 * acknowledged; the recipient policy for messages clients send ({@code known}, the default, stores only for
 * users that connected within the retention age; {@code any} for any id; backends may always store for any
 * id); most messages kept per user (trimmed approximately in Redis, exactly on one node); the heap the
 * in-memory store of a node without Redis may use; how long a stored message is kept.
 */
public record InboxSettings(boolean enabled, boolean knownRecipientsOnly, int maxEntries, long memoryMaxBytes,
        Duration maxAge) {

    static InboxSettings read(SettingsReader settings) {
        return new InboxSettings(settings.flag("switchboard.inbox.enabled", true),
                settings.oneOf("switchboard.inbox.recipients", "known", "known", "any").equals("known"),
                settings.positiveInt("switchboard.inbox.max-entries", 1000),
                settings.positive("switchboard.inbox.memory-max-bytes", 67_108_864),
                settings.positiveMillis("switchboard.inbox.max-age-ms", 604_800_000L));
    }
}
