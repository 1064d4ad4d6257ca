package io.switchboard.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.api.ApiCredentials;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class SwitchboardConfigTest {

    /** Starting a node with these values fails with a message that names {@code key}. */
    private static void refused(String key, String... keysAndValues) {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> TestConfig.with(keysAndValues));
        assertTrue(e.getMessage().contains(key), e.getMessage());
    }

    @Test
    void refusesNonPositiveLimitsAndValuesThatAreNotNumbers() {
        refused("switchboard.send-queue.max-frames", "switchboard.send-queue.max-frames", "0");
        refused("switchboard.limits.api-burst", "switchboard.limits.api-burst", "-5");
        refused("switchboard.heartbeat.interval-ms", "switchboard.heartbeat.interval-ms", "25s");
        refused("switchboard.deflate.level", "switchboard.deflate.level", "10");
        refused("switchboard.inbox.enabled", "switchboard.inbox.enabled", "maybe");
        refused("switchboard.rooms.default-join", "switchboard.rooms.default-join", "ajar");
        refused("switchboard.inbox.recipients", "switchboard.inbox.recipients", "some");
        refused("switchboard.shutdown", "switchboard.shutdown.drain-ms", "20000");
        assertEquals(Duration.ofSeconds(5), TestConfig.with(" switchboard.heartbeat.interval-ms".strip(), " 5000 ")
                .heartbeat().interval(), "values are stripped");
    }

    @Test
    void readsPusherAppsAndRefusesMalformedOrRepeatedOnesWithoutPrintingTheSecret() {
        PusherSettings pusher = TestConfig.with("switchboard.pusher.apps", "42:app-key:s3cret, 43:other:secret2").pusher();
        assertEquals(2, pusher.apps().size());
        assertEquals("app-key", pusher.byId("42").orElseThrow().key());
        assertEquals("secret2", pusher.byKey("other").orElseThrow().secret());
        assertTrue(pusher.byKey("nobody").isEmpty());
        assertEquals(120, pusher.activityTimeoutSeconds());
        assertEquals(600, pusher.timestampToleranceSeconds());
        assertTrue(TestConfig.defaults().pusher().apps().isEmpty(), "off unless configured");
        refused("switchboard.pusher.apps", "switchboard.pusher.apps", "42:key");
        refused("switchboard.pusher.apps", "switchboard.pusher.apps", "42:key:");
        refused("switchboard.pusher.apps", "switchboard.pusher.apps", "4 2:key:secret");
        refused("switchboard.pusher.apps", "switchboard.pusher.apps", "42:key:a,42:other:b");
        refused("switchboard.pusher.apps", "switchboard.pusher.apps", "42:key:a,43:key:b");
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> TestConfig.with("switchboard.pusher.apps", "42:key:top-secret:extra"));
        assertFalse(e.getMessage().contains("top-secret"), e.getMessage());
        assertFalse(pusher.apps().get(0).toString().contains("s3cret"));
    }

    @Test
    void refusesBothInlineAndLocatedPublicKeys() {
        refused("not both", "mp.jwt.verify.publickey", "x", "mp.jwt.verify.publickey.location", "y");
    }

    @Test
    void refusesAKeyLocationOverPlainHttpUnlessAllowed() {
        refused("switchboard.jwt.allow-http-key-location", "mp.jwt.verify.publickey.location", "http://idp.example.com/jwks.json");
        TestConfig.with("mp.jwt.verify.publickey.location", "http://idp.example.com/jwks.json",
                "switchboard.jwt.allow-http-key-location", "true");
        TestConfig.withPublicKeyLocation("https://idp.example.com/jwks.json");
    }

    @Test
    void readsASentinelSetAndRefusesItHalfOrBesideAUrl() {
        assertEquals(RedisMode.NONE, TestConfig.defaults().redis().mode());
        assertTrue(!TestConfig.defaults().redis().enabled());
        refused("switchboard.redis.sentinel.nodes", "switchboard.redis.sentinel.master", "switchboard");
        SwitchboardConfig config = TestConfig.with("switchboard.redis.sentinel.master", "switchboard",
                "switchboard.redis.sentinel.nodes", " 10.0.0.1:26379, [::1]:26380 ,");
        assertEquals(RedisMode.SENTINEL, config.redis().mode());
        assertTrue(config.redis().enabled());
        assertEquals(List.of(new HostPort("10.0.0.1", 26379), new HostPort("::1", 26380)), config.redis().sentinels());
        refused("'10.0.0.1'", "switchboard.redis.sentinel.master", "switchboard", "switchboard.redis.sentinel.nodes", "10.0.0.1");
        refused("more than one", "switchboard.redis.sentinel.master", "switchboard",
                "switchboard.redis.sentinel.nodes", "10.0.0.1:26379", "switchboard.redis.url", "redis://10.0.0.2:6379");
    }

    @Test
    void readsARedisClusterAndRefusesItBesideAnotherRedisOrWithReplicasToWaitFor() {
        SwitchboardConfig config = TestConfig.with("switchboard.redis.cluster.nodes", "10.0.0.1:6379,10.0.0.2:6379");
        assertEquals(RedisMode.CLUSTER, config.redis().mode());
        assertEquals(2, config.redis().clusterNodes().size());
        refused("switchboard.redis.wait.replicas", "switchboard.redis.cluster.nodes", "10.0.0.1:6379",
                "switchboard.redis.wait.replicas", "1");
        refused("more than one", "switchboard.redis.cluster.nodes", "10.0.0.1:6379", "switchboard.redis.url", "redis://10.0.0.3:6379");
        refused("braces", "switchboard.node.id", "node-{a}");
    }

    @Test
    void refusesANegativeReplicaCountToWaitFor() {
        refused("switchboard.redis.wait.replicas", "switchboard.redis.wait.replicas", "-1");
    }

    @Test
    void generatesANodeIdWhenNoneIsConfigured() {
        assertEquals("test-node", TestConfig.defaults().nodeId());
        SwitchboardConfig config = TestConfig.with("switchboard.node.id", null);
        assertTrue(config.nodeId().matches("node-[0-9a-f]{8}"), config.nodeId());
    }

    @Test
    void readsApiKeysAsSha256DigestsAndKeepsAPlainKeyForTheCredentialsToHash() {
        String digest = HexFormat.of().formatHex(ApiCredentials.sha256("s3cret"));
        SwitchboardConfig config = TestConfig.with("switchboard.api.key-sha256", " " + digest.toUpperCase(Locale.ROOT) + " ,",
                "switchboard.api.key", "legacy");
        assertEquals(1, config.api().keyDigests().size());
        assertTrue(MessageDigest.isEqual(ApiCredentials.sha256("s3cret"), config.api().keyDigests().get(0)));
        assertEquals(Optional.of("legacy"), config.api().key());
        refused("switchboard.api.key-sha256", "switchboard.api.key-sha256", "not-a-digest");
    }

    @Test
    void normalisesAllowedOrigins() {
        assertTrue(TestConfig.defaults().allowedOrigins().isEmpty(), "unset: any origin");
        SwitchboardConfig config = TestConfig.with("switchboard.allowed-origins", "https://chat.example.com/, http://localhost:8080");
        assertEquals(Set.of("https://chat.example.com", "http://localhost:8080"), config.allowedOrigins());
    }

    /**
     * Every key a node reads is a row of the configuration reference's table ({@code src/docs/configuration.md}),
     * and the default the table states is the one the code declares (or, for a key the code has none for, the
     * one the WAR's {@code microprofile-config.properties} sets).
     */
    @Test
    void documentsEveryKeyAndItsDefaultInTheConfigurationReference() throws Exception {
        String reference = Files.readString(Path.of("src/docs/configuration.md"));
        Properties war = new Properties();
        try (var in = Files.newInputStream(Path.of("src/main/resources/META-INF/microprofile-config.properties"))) {
            war.load(in);
        }
        Map<String, Optional<String>> keys = TestConfig.defaults().keys();
        assertTrue(keys.size() > 80, keys.size() + " keys read");
        for (Map.Entry<String, Optional<String>> key : keys.entrySet()) {
            Matcher row = Pattern.compile("\\| `" + Pattern.quote(key.getKey()) + "` \\| ([^|]*) \\|").matcher(reference);
            assertTrue(row.find(), key.getKey() + " is in the table of src/docs/configuration.md");
            Optional<String> declared = key.getValue().or(() -> Optional.ofNullable(war.getProperty(key.getKey())));
            declared.ifPresent(value -> assertEquals("`" + value + "`", row.group(1).strip(),
                    "the documented default of " + key.getKey()));
        }
    }
}
