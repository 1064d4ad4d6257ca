package io.switchboard.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * {@code switchboard.api.*}: the token group allowed to call the HTTP API; the accepted API keys, as SHA-256
 * digests ({@code key-sha256}, hex, comma-separated) and, for legacy set-ups, one plain {@code key} (hashed
 * by the API's credentials: keys are only ever compared as digests); the largest request body; how long an
 * {@code Idempotency-Key} is remembered.
 */
public record ApiSettings(String backendGroup, List<byte[]> keyDigests, Optional<String> key, int maxBodyBytes,
        Duration idempotencyWindow) {

    public ApiSettings {
        keyDigests = List.copyOf(keyDigests);
    }

    static ApiSettings read(SettingsReader settings) {
        List<byte[]> digests = new ArrayList<>();
        for (String hex : settings.list("switchboard.api.key-sha256", null)) {
            String digest = hex.toLowerCase(Locale.ROOT);
            if (!digest.matches("[0-9a-f]{64}")) {
                throw SettingsReader.invalid("switchboard.api.key-sha256", "a list of 64-digit hex SHA-256 digests", hex);
            }
            digests.add(HexFormat.of().parseHex(digest));
        }
        return new ApiSettings(settings.text("switchboard.api.backend-group", "backend"), digests,
                settings.optional("switchboard.api.key"),
                settings.positiveInt("switchboard.api.max-body-bytes", 65_536),
                settings.positiveMillis("switchboard.api.idempotency-window-ms", 86_400_000L));
    }
}
