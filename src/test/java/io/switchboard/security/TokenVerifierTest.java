package io.switchboard.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.config.SwitchboardConfig;
import io.switchboard.config.TestConfig;
import io.switchboard.testing.TestTokens;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenVerifierTest {
    private static final String PUBLIC_KEY = "file:" + Path.of("src/test/resources/test-keys/public.pem").toAbsolutePath();

    static TokenVerifier verifier(SwitchboardConfig config) {
        TokenVerifier verifier = new TokenVerifier();
        verifier.config = config;
        verifier.devKeys = new DevKeys();
        verifier.devKeys.config = config;
        verifier.init();
        return verifier;
    }

    private final TokenVerifier verifier = verifier(TestConfig.withPublicKeyLocation(PUBLIC_KEY));

    private String refusal(String token) {
        return assertThrows(InvalidTokenException.class, () -> verifier.verify(token)).getMessage();
    }

    @Test
    void acceptsAValidTokenAndReadsUserAndGroups() throws Exception {
        Identity identity = verifier.verify(TestTokens.valid("alice", "broadcast", "ops"));
        assertEquals("alice", identity.user());
        assertEquals(Set.of("broadcast", "ops"), identity.groups());
        assertTrue(identity.expiresAtMillis() > System.currentTimeMillis());
    }

    @Test
    void readsRoomClaimsAndTellsAbsentFromEmpty() throws Exception {
        Identity granted = verifier.verify(TestTokens.withRooms("amy", List.of("lobby", "team:*"), List.of()));
        assertTrue(granted.joinableRooms().orElseThrow().allows("team:42"));
        assertEquals(List.of(), granted.publishableRooms().orElseThrow().patterns());
        Identity plain = verifier.verify(TestTokens.valid("amy"));
        assertTrue(plain.joinableRooms().isEmpty());
        assertTrue(plain.publishableRooms().isEmpty());
    }

    @Test
    void takesTheUserFromTheConfiguredClaimsInOrder() throws Exception {
        String token = TestTokens.withClaim("subject-42", "preferred_username", "chosen-name");
        assertEquals("subject-42", verifier.verify(token).user(), "upn first by default (the test tokens set it to sub)");
        assertEquals("chosen-name", verifier(TestConfig.withUserClaims(PUBLIC_KEY, "preferred_username,sub")).verify(token).user());
        assertEquals("subject-42", verifier(TestConfig.withUserClaims(PUBLIC_KEY, "sub")).verify(token).user());
        TokenVerifier byEmail = verifier(TestConfig.withUserClaims(PUBLIC_KEY, "email"));
        assertEquals("The token names no user", assertThrows(InvalidTokenException.class, () -> byEmail.verify(token)).getMessage());
    }

    @Test
    void readsTheStorageQuotaClaimOfTrustedSenders() throws Exception {
        assertEquals(1, verifier.verify(TestTokens.valid("amy")).storageQuotaScale());
        assertEquals(50, verifier.verify(TestTokens.withClaim("svc", "sb_storage_quota", 50)).storageQuotaScale());
        assertEquals("Claim 'sb_storage_quota' must be a number from 1 to 1000000",
                refusal(TestTokens.withClaim("svc", "sb_storage_quota", "lots")));
        assertEquals("Claim 'sb_storage_quota' must be a number from 1 to 1000000",
                refusal(TestTokens.withClaim("svc", "sb_storage_quota", 0.5)));
    }

    @Test
    void refusesEveryBadTokenWithAPreciseReason() {
        assertEquals("No bearer token", refusal(null));
        assertEquals("No bearer token", refusal(" "));
        assertEquals("Invalid token", refusal(TestTokens.malformed()));
        assertEquals("Token expired", refusal(TestTokens.expired("alice")));
        assertEquals("Wrong token issuer", refusal(TestTokens.wrongIssuer("alice")));
        assertEquals("Bad token signature", refusal(TestTokens.signedByOtherKey("alice")));
        assertEquals("Bad token signature", refusal(TestTokens.tampered("alice", "root")));
        assertTrue(List.of("Invalid token", "Bad token signature").contains(refusal(TestTokens.algNone("alice"))));
        assertEquals("Token not yet valid", refusal(TestTokens.notYetValid("alice")));
        assertEquals("The token's user id is unusable: 'user' contains a control character",
                refusal(TestTokens.valid("alice\u001fbob")));
    }

    @Test
    void checksTheAudienceOnlyWhenConfigured() throws Exception {
        TokenVerifier strict = verifier(TestConfig.withAudiences(PUBLIC_KEY, "chat, push"));
        assertEquals("alice", strict.verify(TestTokens.withAudience("alice", "push")).user());
        assertEquals("Wrong token audience", assertThrows(InvalidTokenException.class,
                () -> strict.verify(TestTokens.withAudience("alice", "billing"))).getMessage());
        assertEquals("Wrong token audience", assertThrows(InvalidTokenException.class,
                () -> strict.verify(TestTokens.valid("alice"))).getMessage(), "no audience at all");
        assertEquals("alice", verifier.verify(TestTokens.withAudience("alice", "anything")).user());
    }

    @Test
    void readsInlinePemKeysToo() throws Exception {
        String pem = Files.readString(Path.of("src/test/resources/test-keys/public.pem"));
        TokenVerifier inline = verifier(TestConfig.withInlineKey(TestConfig.defaults(), pem));
        assertEquals("bob", inline.verify(TestTokens.valid("bob")).user());
    }

    @Test
    void refusesEverythingWhenNoKeyIsConfigured() {
        TokenVerifier keyless = verifier(TestConfig.defaults());
        assertThrows(InvalidTokenException.class, () -> keyless.verify(TestTokens.valid("alice")));
    }

    @Test
    void verifiesDevTokensWithTheGeneratedKeyPair(@TempDir Path keyDir) throws Exception {
        SwitchboardConfig config = TestConfig.withDevKeys(keyDir.toString());
        DevTokenIssuer issuer = new DevTokenIssuer();
        issuer.config = config;
        issuer.devKeys = new DevKeys();
        issuer.devKeys.config = config;
        String token = issuer.issue("dana", List.of("broadcast"), config.auth().devTokenTtl()).orElseThrow().token();
        assertTrue(Files.exists(keyDir.resolve(DevKeys.PRIVATE_FILE)));

        TokenVerifier devVerifier = verifier(config); // a fresh bean: loads the same key pair from disk
        Identity identity = devVerifier.verify(token);
        assertEquals("dana", identity.user());
        assertEquals(Set.of("broadcast"), identity.groups());
    }
}
