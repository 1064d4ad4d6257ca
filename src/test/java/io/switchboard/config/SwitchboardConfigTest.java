package io.switchboard.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class SwitchboardConfigTest {

    @Test
    void refusesNonPositiveLimits() {
        SwitchboardConfig config = TestConfig.defaults();
        config.sendQueueMaxFrames = 0;
        IllegalStateException e = assertThrows(IllegalStateException.class, config::validate);
        assertTrue(e.getMessage().contains("switchboard.send-queue.max-frames"), e.getMessage());
    }

    @Test
    void refusesBothInlineAndLocatedPublicKeys() {
        SwitchboardConfig config = TestConfig.defaults();
        config.jwtPublicKey = Optional.of("x");
        config.jwtPublicKeyLocation = Optional.of("y");
        assertThrows(IllegalStateException.class, config::validate);
    }

    @Test
    void refusesAKeyLocationOverPlainHttpUnlessAllowed() {
        SwitchboardConfig config = TestConfig.withPublicKeyLocation("http://idp.example.com/jwks.json");
        IllegalStateException refused = assertThrows(IllegalStateException.class, config::validate);
        assertTrue(refused.getMessage().contains("switchboard.jwt.allow-http-key-location"), refused.getMessage());
        config.jwtAllowHttpKeyLocation = true;
        config.validate();
        TestConfig.withPublicKeyLocation("https://idp.example.com/jwks.json").validate();
    }

    @Test
    void readsASentinelSetAndRefusesItHalfOrBesideAUrl() {
        SwitchboardConfig config = TestConfig.defaults();
        assertEquals(RedisMode.NONE, config.redisMode());
        config.redisSentinelMaster = Optional.of("switchboard");
        IllegalStateException half = assertThrows(IllegalStateException.class, config::validate);
        assertTrue(half.getMessage().contains("switchboard.redis.sentinel.nodes"), half.getMessage());
        config.redisSentinelNodes = Optional.of(" 10.0.0.1:26379, [::1]:26380 ,");
        config.validate();
        assertEquals(RedisMode.SENTINEL, config.redisMode());
        assertTrue(config.redisEnabled());
        assertEquals(java.util.List.of(new HostPort("10.0.0.1", 26379), new HostPort("::1", 26380)), config.redisSentinels());
        config.redisSentinelNodes = Optional.of("10.0.0.1");
        IllegalStateException noPort = assertThrows(IllegalStateException.class, config::validate);
        assertTrue(noPort.getMessage().contains("'10.0.0.1'"), noPort.getMessage());
        config.redisSentinelNodes = Optional.of("10.0.0.1:26379");
        config.redisUrl = Optional.of("redis://10.0.0.2:6379");
        IllegalStateException both = assertThrows(IllegalStateException.class, config::validate);
        assertTrue(both.getMessage().contains("more than one"), both.getMessage());
    }

    @Test
    void readsARedisClusterAndRefusesItBesideAnotherRedisOrWithReplicasToWaitFor() {
        SwitchboardConfig config = TestConfig.defaults();
        config.redisClusterNodes = Optional.of("10.0.0.1:6379,10.0.0.2:6379");
        config.validate();
        assertEquals(RedisMode.CLUSTER, config.redisMode());
        assertEquals(2, config.redisClusterNodes().size());
        config.redisWaitReplicas = 1;
        IllegalStateException waiting = assertThrows(IllegalStateException.class, config::validate);
        assertTrue(waiting.getMessage().contains("switchboard.redis.wait.replicas"), waiting.getMessage());
        config.redisWaitReplicas = 0;
        config.redisUrl = Optional.of("redis://10.0.0.3:6379");
        assertThrows(IllegalStateException.class, config::validate);
        config.redisUrl = Optional.empty();
        config.configuredNodeId = Optional.of("node-{a}");
        IllegalStateException brace = assertThrows(IllegalStateException.class, config::validate);
        assertTrue(brace.getMessage().contains("braces"), brace.getMessage());
    }

    @Test
    void refusesANegativeReplicaCountToWaitFor() {
        SwitchboardConfig config = TestConfig.defaults();
        config.redisWaitReplicas = -1;
        IllegalStateException e = assertThrows(IllegalStateException.class, config::validate);
        assertTrue(e.getMessage().contains("switchboard.redis.wait.replicas"), e.getMessage());
    }

    @Test
    void generatesANodeIdWhenNoneIsConfigured() {
        SwitchboardConfig config = TestConfig.defaults();
        assertEquals("test-node", config.nodeId());
        config.configuredNodeId = Optional.empty();
        config.validate();
        assertTrue(config.nodeId().matches("node-[0-9a-f]{8}"), config.nodeId());
    }

    @Test
    void acceptsApiKeysAsSha256DigestsAndHashesAPlainKeyToo() {
        SwitchboardConfig config = TestConfig.defaults();
        String digest = java.util.HexFormat.of().formatHex(SwitchboardConfig.sha256("s3cret"));
        config.apiKeySha256 = Optional.of(" " + digest.toUpperCase(java.util.Locale.ROOT) + " ,");
        config.apiKey = Optional.of("legacy");
        java.util.List<byte[]> digests = config.apiKeyDigests();
        assertEquals(2, digests.size());
        assertTrue(java.security.MessageDigest.isEqual(SwitchboardConfig.sha256("s3cret"), digests.get(0)));
        assertTrue(java.security.MessageDigest.isEqual(SwitchboardConfig.sha256("legacy"), digests.get(1)));
        config.apiKeySha256 = Optional.of("not-a-digest");
        assertThrows(IllegalStateException.class, config::validate);
    }

    @Test
    void normalisesAllowedOrigins() {
        SwitchboardConfig config = TestConfig.defaults();
        assertTrue(config.allowedOrigins().isEmpty(), "unset: any origin");
        config.allowedOrigins = Optional.of("https://chat.example.com/, http://localhost:8080");
        assertEquals(java.util.Set.of("https://chat.example.com", "http://localhost:8080"), config.allowedOrigins());
    }

    @Test
    void documentsEveryConfigKeyInTheReadme() throws Exception {
        String readme = java.nio.file.Files.readString(java.nio.file.Path.of("README.md"));
        for (java.lang.reflect.Field field : SwitchboardConfig.class.getDeclaredFields()) {
            org.eclipse.microprofile.config.inject.ConfigProperty property =
                    field.getAnnotation(org.eclipse.microprofile.config.inject.ConfigProperty.class);
            if (property != null) {
                assertTrue(readme.contains("| `" + property.name() + "` |"), property.name() + " is in the README's table");
            }
        }
    }
}
