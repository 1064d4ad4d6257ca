package io.switchboard.config;

import java.time.Duration;

/**
 * {@code switchboard.rooms.*}: rooms per connection; the longest user list a {@code joined} reply or room
 * query returns (the count is always exact); rooms above {@code presenceEventsMaxMembers} members announce no
 * per-user joins and leaves (0: none do) but a member count at most every {@code presenceCountsIntervalMs}
 * (0: none); the token claims naming rooms a user may join and publish to, and whether a token without them may
 * ({@code default-join}/{@code default-publish}: {@code open} or {@code closed}); the history kept per room.
 */
public record RoomSettings(int maxPerConnection, int maxListedUsers, int presenceEventsMaxMembers,
        long presenceCountsIntervalMs, String joinClaim, String publishClaim, boolean openJoin, boolean openPublish,
        int historyMaxEntries, Duration historyMaxAge) {

    static RoomSettings read(SettingsReader settings) {
        return new RoomSettings(settings.positiveInt("switchboard.rooms.max-per-connection", 100),
                settings.positiveInt("switchboard.rooms.max-listed-users", 100),
                settings.between("switchboard.rooms.presence-events.max-members", 100, 0, Integer.MAX_VALUE),
                settings.atLeast("switchboard.rooms.presence-counts.interval-ms", 250, 0),
                settings.text("switchboard.rooms.join-claim", "rooms"),
                settings.text("switchboard.rooms.publish-claim", "rooms_publish"),
                settings.oneOf("switchboard.rooms.default-join", "closed", "open", "closed").equals("open"),
                settings.oneOf("switchboard.rooms.default-publish", "closed", "open", "closed").equals("open"),
                settings.positiveInt("switchboard.rooms.history.max-entries", 100),
                settings.positiveMillis("switchboard.rooms.history.max-age-ms", 86_400_000L));
    }
}
