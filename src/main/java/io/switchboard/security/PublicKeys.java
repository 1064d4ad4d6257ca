package io.switchboard.security;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwk.PublicJsonWebKey;
import org.jose4j.lang.JoseException;

/**
 * Reads verification keys the way MicroProfile JWT configures them: a PEM public key, a JWK or a JWKS,
 * given inline ({@code mp.jwt.verify.publickey}) or by location ({@code mp.jwt.verify.publickey.location}:
 * a classpath resource, a {@code file:}/{@code http(s):} URL, or a file path).
 */
public final class PublicKeys {

    private PublicKeys() {
    }

    public static List<PublicJsonWebKey> parse(String text) {
        String trimmed = text.strip();
        try {
            if (trimmed.startsWith("{")) {
                List<PublicJsonWebKey> keys = new ArrayList<>();
                List<JsonWebKey> candidates = trimmed.contains("\"keys\"")
                        ? new JsonWebKeySet(trimmed).getJsonWebKeys()
                        : List.of(JsonWebKey.Factory.newJwk(trimmed));
                for (JsonWebKey key : candidates) {
                    if (key instanceof PublicJsonWebKey publicKey) {
                        keys.add(publicKey);
                    }
                }
                if (keys.isEmpty()) {
                    throw new IllegalArgumentException("The JWK set holds no public key");
                }
                return keys;
            }
            return List.of(PublicJsonWebKey.Factory.newPublicJwk(pemPublicKey(trimmed)));
        } catch (JoseException | GeneralSecurityException e) {
            throw new IllegalArgumentException("Unreadable verification key: " + e.getMessage(), e);
        }
    }

    public static String read(String location) throws IOException {
        if (location.startsWith("file:") || location.startsWith("http:") || location.startsWith("https:")) {
            try (InputStream in = URI.create(location).toURL().openStream()) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
        }
        String resource = location.startsWith("classpath:") ? location.substring("classpath:".length()) : location;
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        try (InputStream in = loader.getResourceAsStream(resource.startsWith("/") ? resource.substring(1) : resource)) {
            if (in != null) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
        }
        return Files.readString(Path.of(location), StandardCharsets.UTF_8);
    }

    static PublicKey pemPublicKey(String pem) throws GeneralSecurityException {
        String base64 = pem.replaceAll("-----(BEGIN|END) PUBLIC KEY-----", "").replaceAll("\\s", "");
        byte[] der;
        try {
            der = Base64.getDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            throw new GeneralSecurityException("not a PEM public key", e);
        }
        return KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(der));
    }
}
