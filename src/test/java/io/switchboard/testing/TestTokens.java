package io.switchboard.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;
import org.jose4j.lang.JoseException;

/** Mints good and deliberately bad tokens with the test key pairs in src/test/resources/test-keys. */
public final class TestTokens {
    public static final String ISSUER = "switchboard-test";

    private TestTokens() {
    }

    public static String valid(String user, String... groups) {
        return sign(claims(user, ISSUER, 600, groups), key("private.pem"), AlgorithmIdentifiers.RSA_USING_SHA256);
    }

    /**
     * A valid token with room claims: {@code joinable} as the "rooms" claim and {@code publishable} as
     * "rooms_publish"; a null list leaves that claim out.
     */
    public static String withRooms(String user, List<String> joinable, List<String> publishable) {
        JwtClaims claims = claims(user, ISSUER, 600, new String[0]);
        if (joinable != null) {
            claims.setStringListClaim("rooms", joinable);
        }
        if (publishable != null) {
            claims.setStringListClaim("rooms_publish", publishable);
        }
        return sign(claims, key("private.pem"), AlgorithmIdentifiers.RSA_USING_SHA256);
    }

    /** A valid token with one more claim, {@code name} = {@code value} (a string, number, list...). */
    public static String withClaim(String user, String name, Object value) {
        JwtClaims claims = claims(user, ISSUER, 600, new String[0]);
        claims.setClaim(name, value);
        return sign(claims, key("private.pem"), AlgorithmIdentifiers.RSA_USING_SHA256);
    }

    public static String expired(String user) {
        JwtClaims claims = claims(user, ISSUER, -3600, new String[0]);
        claims.setIssuedAt(NumericDate.fromSeconds(NumericDate.now().getValue() - 7200));
        return sign(claims, key("private.pem"), AlgorithmIdentifiers.RSA_USING_SHA256);
    }

    /** A valid token that expires in {@code seconds}. */
    public static String expiringIn(String user, int seconds) {
        return sign(claims(user, ISSUER, seconds, new String[0]), key("private.pem"), AlgorithmIdentifiers.RSA_USING_SHA256);
    }

    /** A token whose {@code nbf} is an hour ahead: not valid yet, whatever the clock skew allowance. */
    public static String notYetValid(String user) {
        JwtClaims claims = claims(user, ISSUER, 7200, new String[0]);
        claims.setNotBefore(NumericDate.fromSeconds(NumericDate.now().getValue() + 3600));
        return sign(claims, key("private.pem"), AlgorithmIdentifiers.RSA_USING_SHA256);
    }

    /** A valid token for the audience {@code audience}. */
    public static String withAudience(String user, String audience) {
        JwtClaims claims = claims(user, ISSUER, 600, new String[0]);
        claims.setAudience(audience);
        return sign(claims, key("private.pem"), AlgorithmIdentifiers.RSA_USING_SHA256);
    }

    public static String wrongIssuer(String user) {
        return sign(claims(user, "someone-else", 600, new String[0]), key("private.pem"), AlgorithmIdentifiers.RSA_USING_SHA256);
    }

    public static String signedByOtherKey(String user) {
        return sign(claims(user, ISSUER, 600, new String[0]), key("other-private.pem"), AlgorithmIdentifiers.RSA_USING_SHA256);
    }

    /** An unsigned token ({@code alg:none}) with otherwise perfect claims. */
    public static String algNone(String user) {
        String header = base64Url("{\"alg\":\"none\",\"typ\":\"JWT\"}");
        String payload = base64Url(claims(user, ISSUER, 600, new String[0]).toJson());
        return header + "." + payload + ".";
    }

    /** A valid token whose payload was swapped for another user's after signing. */
    public static String tampered(String user, String impostor) {
        String[] parts = valid(user).split("\\.");
        String payload = base64Url(claims(impostor, ISSUER, 600, new String[0]).toJson());
        return parts[0] + "." + payload + "." + parts[2];
    }

    /** Every kind of bad token for {@code user}, by name: the auth matrix of handshake and in-band tests. */
    public static java.util.Map<String, String> badTokens(String user) {
        java.util.Map<String, String> bad = new java.util.LinkedHashMap<>();
        bad.put("malformed", malformed());
        bad.put("signed by another key", signedByOtherKey(user));
        bad.put("payload tampered", tampered("someone", user));
        bad.put("expired", expired(user));
        bad.put("not yet valid", notYetValid(user));
        bad.put("wrong issuer", wrongIssuer(user));
        bad.put("alg none", algNone(user));
        return bad;
    }

    public static String malformed() {
        return "this.is-not.a-jwt";
    }

    private static JwtClaims claims(String user, String issuer, int expiresInSeconds, String[] groups) {
        JwtClaims claims = new JwtClaims();
        claims.setIssuer(issuer);
        claims.setSubject(user);
        claims.setClaim("upn", user);
        claims.setStringListClaim("groups", List.of(groups));
        claims.setIssuedAtToNow();
        claims.setExpirationTime(NumericDate.fromSeconds(NumericDate.now().getValue() + expiresInSeconds));
        claims.setJwtId(UUID.randomUUID().toString());
        return claims;
    }

    private static String sign(JwtClaims claims, PrivateKey key, String alg) {
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(claims.toJson());
        jws.setKey(key);
        jws.setAlgorithmHeaderValue(alg);
        try {
            return jws.getCompactSerialization();
        } catch (JoseException e) {
            throw new IllegalStateException(e);
        }
    }

    private static PrivateKey key(String file) {
        Path dir = Path.of(System.getProperty("switchboard.testKeys", "src/test/resources/test-keys"));
        try {
            String pem = Files.readString(dir.resolve(file), StandardCharsets.US_ASCII)
                    .replaceAll("-----(BEGIN|END) PRIVATE KEY-----", "").replaceAll("\\s", "");
            return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(pem)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String base64Url(String json) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }
}
