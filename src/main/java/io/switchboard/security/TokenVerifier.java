package io.switchboard.security;

import io.switchboard.config.SwitchboardConfig;
import io.switchboard.protocol.JsonFields;
import io.switchboard.protocol.ProtocolException;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.logging.Logger;
import org.eclipse.microprofile.jwt.Claims;
import org.jose4j.jwa.AlgorithmConstraints;
import org.jose4j.jwk.PublicJsonWebKey;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.MalformedClaimException;
import org.jose4j.jwt.consumer.InvalidJwtException;
import org.jose4j.jwt.consumer.JwtConsumer;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.jose4j.keys.resolvers.JwksVerificationKeyResolver;

/**
 * Verifies bearer tokens by the MicroProfile JWT rules, from the {@code mp.jwt.verify.*} settings: RS256
 * only ({@code alg:none} and HMAC are refused), signature by a configured key, {@code iss} equal to the
 * configured issuer, {@code exp}, {@code iat} and {@code sub} present, expiry checked with the configured
 * clock skew. The user id is the first of {@code switchboard.jwt.user-claims} the token has (by default
 * {@code upn}, else {@code preferred_username}, else {@code sub}, as MicroProfile JWT). One verifier
 * serves the WebSocket handshake (header or query token) and the HTTP API. Thread-safe.
 */
@ApplicationScoped
public class TokenVerifier {
    private static final Logger LOG = Logger.getLogger(TokenVerifier.class.getName());

    @Inject
    SwitchboardConfig config;

    @Inject
    DevKeys devKeys;

    private JwtConsumer consumer;

    @PostConstruct
    void init() {
        List<PublicJsonWebKey> keys = new ArrayList<>();
        try {
            config.auth().publicKey().ifPresent(inline -> keys.addAll(PublicKeys.parse(inline)));
            if (config.auth().publicKeyLocation().isPresent()) {
                keys.addAll(PublicKeys.parse(PublicKeys.read(config.auth().publicKeyLocation().get())));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read mp.jwt.verify.publickey.location", e);
        }
        devKeys.keyPair().ifPresent(pair -> {
            try {
                keys.add(PublicJsonWebKey.Factory.newPublicJwk(pair.getPublic()));
            } catch (org.jose4j.lang.JoseException e) {
                throw new IllegalStateException(e);
            }
        });
        if (keys.isEmpty()) {
            LOG.severe("No token verification key: set mp.jwt.verify.publickey or mp.jwt.verify.publickey.location."
                    + " Every client and bearer-token request will be refused with 401.");
        }
        JwksVerificationKeyResolver resolver = new JwksVerificationKeyResolver(new ArrayList<>(keys));
        // Tokens without "kid" are tried against each configured key.
        resolver.setDisambiguateWithVerifySignature(true);
        JwtConsumerBuilder builder = new JwtConsumerBuilder()
                .setJwsAlgorithmConstraints(AlgorithmConstraints.ConstraintType.PERMIT,
                        AlgorithmIdentifiers.RSA_USING_SHA256)
                .setVerificationKeyResolver(resolver)
                .setRequireExpirationTime()
                .setRequireIssuedAt()
                .setRequireSubject()
                .setAllowedClockSkewInSeconds(config.auth().clockSkewSeconds());
        config.auth().issuer().ifPresentOrElse(builder::setExpectedIssuer, () -> builder.setExpectedIssuer(false, null));
        config.auth().audiences().ifPresentOrElse(
                audiences -> builder.setExpectedAudience(audiences.split("\\s*,\\s*")),
                builder::setSkipDefaultAudienceValidation);
        consumer = builder.build();
    }

    /** Returns who the token identifies, or says precisely why it is not acceptable. */
    public Identity verify(String token) throws InvalidTokenException {
        if (token == null || token.isBlank()) {
            throw new InvalidTokenException("No bearer token");
        }
        JwtClaims claims;
        try {
            claims = consumer.processToClaims(token);
        } catch (InvalidJwtException e) {
            throw new InvalidTokenException(reason(e));
        }
        try {
            String user = firstPresent(claims, config.auth().userClaims());
            if (user == null || user.isBlank()) {
                throw new InvalidTokenException("The token names no user");
            }
            try {
                JsonFields.userId(user, "user");
            } catch (ProtocolException e) {
                throw new InvalidTokenException("The token's user id is unusable: " + e.getMessage());
            }
            Set<String> groups = new HashSet<>();
            if (claims.hasClaim(Claims.groups.name())) {
                groups.addAll(claims.getStringListClaimValue(Claims.groups.name()));
            }
            return new Identity(user, groups, claims.getExpirationTime().getValueInMillis(),
                    roomClaim(claims, config.rooms().joinClaim()), roomClaim(claims, config.rooms().publishClaim()),
                    storageQuotaScale(claims, config.limits().storageQuotaClaim()));
        } catch (MalformedClaimException e) {
            throw new InvalidTokenException("Malformed claim: " + e.getMessage());
        }
    }

    /** A claim listing room names or prefixes; absent → empty (the default policy applies). */
    private static Optional<RoomPatterns> roomClaim(JwtClaims claims, String name) throws MalformedClaimException {
        if (!claims.hasClaim(name)) {
            return Optional.empty();
        }
        return Optional.of(new RoomPatterns(claims.getStringListClaimValue(name)));
    }

    /** The claim raising a sender's storage quota: absent → 1; else a number from 1 to 1,000,000. */
    private static double storageQuotaScale(JwtClaims claims, String name) throws InvalidTokenException {
        Object value = claims.getClaimValue(name);
        if (value == null) {
            return 1;
        }
        if (!(value instanceof Number number) || !(number.doubleValue() >= 1 && number.doubleValue() <= 1_000_000)) {
            throw new InvalidTokenException("Claim '" + name + "' must be a number from 1 to 1000000");
        }
        return number.doubleValue();
    }

    private static String firstPresent(JwtClaims claims, List<String> names) throws MalformedClaimException {
        for (String name : names) {
            if (claims.hasClaim(name)) {
                return claims.getStringClaimValue(name);
            }
        }
        return null;
    }

    /** A short reason without the token's content: expired, wrong issuer, bad signature, malformed. */
    private static String reason(InvalidJwtException e) {
        if (e.hasExpired()) {
            return "Token expired";
        }
        if (e.hasErrorCode(org.jose4j.jwt.consumer.ErrorCodes.NOT_YET_VALID)) {
            return "Token not yet valid";
        }
        if (e.hasErrorCode(org.jose4j.jwt.consumer.ErrorCodes.ISSUER_INVALID)) {
            return "Wrong token issuer";
        }
        if (e.hasErrorCode(org.jose4j.jwt.consumer.ErrorCodes.SIGNATURE_INVALID)
                || e.hasErrorCode(org.jose4j.jwt.consumer.ErrorCodes.SIGNATURE_MISSING)) {
            return "Bad token signature";
        }
        if (e.hasErrorCode(org.jose4j.jwt.consumer.ErrorCodes.AUDIENCE_INVALID)
                || e.hasErrorCode(org.jose4j.jwt.consumer.ErrorCodes.AUDIENCE_MISSING)) {
            return "Wrong token audience";
        }
        return "Invalid token";
    }
}
