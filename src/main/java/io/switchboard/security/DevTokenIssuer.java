package io.switchboard.security;

import io.switchboard.config.SwitchboardConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.security.KeyPair;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.eclipse.microprofile.jwt.Claims;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;
import org.jose4j.lang.JoseException;

/** Signs development tokens with {@link DevKeys}; available only when dev tokens are enabled. */
@ApplicationScoped
public class DevTokenIssuer {

    @Inject
    SwitchboardConfig config;

    @Inject
    DevKeys devKeys;

    /** A signed token and when it expires (epoch seconds). */
    public record DevToken(String token, long expiresAt) {
    }

    public boolean enabled() {
        return config.auth().devTokensEnabled();
    }

    /** A token that expires after {@code ttl} (the resource defaults it to {@code switchboard.dev.token-ttl-seconds}). */
    public Optional<DevToken> issue(String user, Collection<String> groups, Duration ttl) {
        Optional<KeyPair> pair = devKeys.keyPair();
        if (pair.isEmpty()) {
            return Optional.empty();
        }
        JwtClaims claims = new JwtClaims();
        config.auth().issuer().ifPresent(claims::setIssuer);
        claims.setSubject(user);
        claims.setClaim(Claims.upn.name(), user);
        claims.setStringListClaim(Claims.groups.name(), List.copyOf(groups));
        claims.setIssuedAtToNow();
        claims.setExpirationTime(NumericDate.fromSeconds(
                NumericDate.now().getValue() + ttl.toSeconds()));
        claims.setGeneratedJwtId();
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(claims.toJson());
        jws.setKey(pair.get().getPrivate());
        jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.RSA_USING_SHA256);
        jws.setHeader("typ", "JWT");
        try {
            return Optional.of(new DevToken(jws.getCompactSerialization(),
                    claims.getExpirationTime().getValue()));
        } catch (JoseException | org.jose4j.jwt.MalformedClaimException e) {
            throw new IllegalStateException("Cannot sign a dev token", e);
        }
    }
}
