package io.switchboard.config;

/**
 * {@code switchboard.deflate.*}: whether clients that offer permessage-deflate (RFC 7692) get it (off by
 * default: it costs CPU per frame), below which size outgoing frames go uncompressed, and the zlib level (1-9).
 */
public record DeflateSettings(boolean enabled, int thresholdBytes, int level) {

    static DeflateSettings read(SettingsReader settings) {
        return new DeflateSettings(settings.flag("switchboard.deflate.enabled", false),
                settings.positiveInt("switchboard.deflate.threshold-bytes", 512),
                settings.between("switchboard.deflate.level", 1, 1, 9));
    }
}
