package io.switchboard.config;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * {@code switchboard.pusher.*}: the Pusher Channels apps this gateway serves ({@code apps}: comma-separated
 * {@code app_id:key:secret} triples; none by default, which turns the Pusher protocol off), how long a Pusher
 * connection may stay silent before it must ping ({@code activity-timeout-s}, sent to clients in
 * {@code pusher:connection_established}) and how far a signed HTTP API request's {@code auth_timestamp} may be
 * from now ({@code timestamp-tolerance-s}, Pusher's 600 s).
 */
public record PusherSettings(List<App> apps, int activityTimeoutSeconds, int timestampToleranceSeconds) {

    /** One Pusher app: its id (the HTTP API's {@code /apps/{id}}), its key (the socket's {@code /app/{key}}), its secret. */
    public record App(String id, String key, String secret) {
        @Override
        public String toString() {
            return "App[" + id + ", key=" + key + "]"; // never the secret
        }
    }

    public PusherSettings {
        apps = List.copyOf(apps);
    }

    /** The app whose public key this is. */
    public Optional<App> byKey(String key) {
        return apps.stream().filter(app -> app.key().equals(key)).findFirst();
    }

    /** The app with this id. */
    public Optional<App> byId(String id) {
        return apps.stream().filter(app -> app.id().equals(id)).findFirst();
    }

    static PusherSettings read(SettingsReader settings) {
        List<App> apps = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        Set<String> keys = new HashSet<>();
        for (String entry : settings.list("switchboard.pusher.apps", null)) {
            String[] parts = entry.split(":", -1);
            if (parts.length != 3 || !parts[0].matches("[A-Za-z0-9_-]{1,64}") || !parts[1].matches("[A-Za-z0-9_-]{1,128}")
                    || parts[2].isEmpty()) {
                String shown = parts[0] + (parts.length > 1 ? ":" + parts[1] : "") + ":<secret>"; // never the secret
                throw SettingsReader.invalid("switchboard.pusher.apps", "comma-separated app_id:key:secret triples "
                        + "(id and key of letters, digits, - and _)", shown);
            }
            if (!ids.add(parts[0]) || !keys.add(parts[1])) {
                throw SettingsReader.invalid("switchboard.pusher.apps", "each app id and key once", parts[0] + ":" + parts[1]);
            }
            apps.add(new App(parts[0], parts[1], parts[2]));
        }
        return new PusherSettings(apps,
                settings.positiveInt("switchboard.pusher.activity-timeout-s", 120),
                settings.positiveInt("switchboard.pusher.timestamp-tolerance-s", 600));
    }
}
