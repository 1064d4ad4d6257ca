package io.switchboard.security;

import io.switchboard.config.SwitchboardConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * The development signing key pair, created in {@code switchboard.dev.key-dir} on first start and reused
 * after. Exists only while {@code switchboard.dev.tokens.enabled} is true; never use it in production.
 */
@ApplicationScoped
public class DevKeys {
    private static final Logger LOG = Logger.getLogger(DevKeys.class.getName());
    static final String PRIVATE_FILE = "dev-private.pem";
    static final String PUBLIC_FILE = "dev-public.pem";

    @Inject
    SwitchboardConfig config;

    private volatile KeyPair keyPair;

    /** The key pair, loaded or generated on first use; empty when dev tokens are disabled. */
    public Optional<KeyPair> keyPair() {
        if (!config.auth().devTokensEnabled()) {
            return Optional.empty();
        }
        KeyPair pair = keyPair;
        if (pair == null) {
            synchronized (this) {
                if (keyPair == null) {
                    keyPair = loadOrCreate(config.auth().devKeyDir());
                }
                pair = keyPair;
            }
        }
        return Optional.of(pair);
    }

    static KeyPair loadOrCreate(Path dir) {
        Path privateFile = dir.resolve(PRIVATE_FILE);
        Path publicFile = dir.resolve(PUBLIC_FILE);
        try {
            if (Files.exists(privateFile) && Files.exists(publicFile)) {
                return load(privateFile, publicFile);
            }
            Files.createDirectories(dir);
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            KeyPair pair = generator.generateKeyPair();
            writePem(privateFile, "PRIVATE KEY", pair.getPrivate().getEncoded(), true);
            writePem(publicFile, "PUBLIC KEY", pair.getPublic().getEncoded(), false);
            LOG.warning(() -> "Generated a DEVELOPMENT token signing key in " + dir
                    + " (switchboard.dev.tokens.enabled=true). Never enable dev tokens in production.");
            return pair;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create dev keys in " + dir, e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Cannot create dev keys in " + dir, e);
        }
    }

    private static KeyPair load(Path privateFile, Path publicFile) throws IOException, GeneralSecurityException {
        PublicKey publicKey = PublicKeys.pemPublicKey(Files.readString(publicFile, StandardCharsets.US_ASCII));
        String privatePem = Files.readString(privateFile, StandardCharsets.US_ASCII)
                .replaceAll("-----(BEGIN|END) PRIVATE KEY-----", "").replaceAll("\\s", "");
        PrivateKey privateKey = KeyFactory.getInstance("RSA")
                .generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(privatePem)));
        return new KeyPair(publicKey, privateKey);
    }

    private static void writePem(Path file, String kind, byte[] der, boolean secret) throws IOException {
        String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
        String pem = "-----BEGIN " + kind + "-----\n" + body + "\n-----END " + kind + "-----\n";
        Files.writeString(file, pem, StandardCharsets.US_ASCII);
        if (secret) {
            try {
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException ignored) {
                // Not a POSIX file system: the directory's own permissions have to do.
            }
        }
    }
}
