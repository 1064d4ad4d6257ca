package io.switchboard.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * How tokens are verified ({@code mp.jwt.verify.*}: the key inline or its location, issuer, audiences, clock
 * skew; {@code switchboard.jwt.*}: the claims naming the user, in order, and whether a plain {@code http:} key
 * location is allowed), how long a connection may stay open on an expired token ({@code switchboard.auth.expiry-grace-ms}),
 * how long a connect ticket lives ({@code switchboard.tickets.ttl-ms}) and the development tokens
 * ({@code switchboard.dev.*}, never in production).
 */
public record AuthSettings(Optional<String> publicKey, Optional<String> publicKeyLocation, Optional<String> issuer,
        Optional<String> audiences, int clockSkewSeconds, List<String> userClaims, Duration expiryGrace,
        Duration ticketTtl, boolean devTokensEnabled, Path devKeyDir, Duration devTokenTtl) {

    public AuthSettings {
        userClaims = List.copyOf(userClaims);
    }

    static AuthSettings read(SettingsReader settings) {
        Optional<String> publicKey = settings.optional("mp.jwt.verify.publickey");
        Optional<String> location = settings.optional("mp.jwt.verify.publickey.location");
        if (publicKey.isPresent() && location.isPresent()) {
            throw new IllegalStateException("Set mp.jwt.verify.publickey or mp.jwt.verify.publickey.location, not both");
        }
        boolean allowHttp = settings.flag("switchboard.jwt.allow-http-key-location", false);
        if (location.filter(url -> url.regionMatches(true, 0, "http:", 0, 5)).isPresent() && !allowHttp) {
            throw new IllegalStateException("mp.jwt.verify.publickey.location is a plain http: URL: anyone on the network "
                    + "path could swap the keys and sign tokens for any user. Use https:, or set "
                    + "switchboard.jwt.allow-http-key-location=true if the path is trusted");
        }
        List<String> userClaims = settings.list("switchboard.jwt.user-claims", "upn,preferred_username,sub");
        if (userClaims.isEmpty()) {
            throw new IllegalStateException("switchboard.jwt.user-claims must name at least one claim");
        }
        return new AuthSettings(publicKey, location, settings.optional("mp.jwt.verify.issuer"),
                settings.optional("mp.jwt.verify.audiences"),
                settings.between("mp.jwt.verify.clock.skew", 60, 0, Integer.MAX_VALUE), userClaims,
                settings.millis("switchboard.auth.expiry-grace-ms", 30_000),
                settings.positiveMillis("switchboard.tickets.ttl-ms", 30_000),
                settings.flag("switchboard.dev.tokens.enabled", false),
                settings.optional("switchboard.dev.key-dir").map(Path::of)
                        .orElseGet(() -> Path.of(System.getProperty("user.home"), ".switchboard", "dev-keys")),
                Duration.ofSeconds(settings.positive("switchboard.dev.token-ttl-seconds", 86_400)));
    }

    /** Logs what makes a set-up risky without making it wrong. */
    void warnIfRisky(Logger log) {
        if (audiences.isEmpty() && !devTokensEnabled) {
            log.warning("mp.jwt.verify.audiences is not set: tokens your identity provider issued for any other "
                    + "application are accepted here too. Set it to this gateway's audience.");
        }
    }
}
