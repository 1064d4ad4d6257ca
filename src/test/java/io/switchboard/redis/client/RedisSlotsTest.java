package io.switchboard.redis.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class RedisSlotsTest {

    @Test
    void everySlotHasATagThatLandsInIt() {
        for (int slot = 0; slot < RedisSlots.COUNT; slot++) {
            String tag = RedisSlots.tag(slot);
            assertEquals(slot, RedisSlots.of(tag), "tag " + tag);
            assertTrue(tag.length() <= 4, "short: " + tag);
        }
    }

    @Test
    void aMemberChannelOfASlotIsInThatSlotAndTheScriptsKeysOfAUserShareTheirs() {
        String user = "ali{ce}:42";
        int slot = RedisSlots.of(RedisKeys.inbox(user));
        assertEquals(slot, RedisSlots.of(RedisKeys.memberChannel("node-a~3f9c2b1e", slot)));
        assertEquals(slot, RedisSlots.of(RedisKeys.lastId(slot)));
        for (String key : new String[] {RedisKeys.presence(user), RedisKeys.seen(user), RedisKeys.known(user),
                RedisKeys.inboxTrimmed(user), RedisKeys.cursors(user)}) {
            assertEquals(slot, RedisSlots.of(key), key);
        }
        int roomSlot = RedisSlots.of(RedisKeys.roomHistory("lobby"));
        for (String key : new String[] {RedisKeys.roomNodes("lobby"), RedisKeys.roomUsers("lobby"),
                RedisKeys.roomConnections("lobby", "node-a~3f9c2b1e"), RedisKeys.roomHistoryTrimmed("lobby")}) {
            assertEquals(roomSlot, RedisSlots.of(key), key);
        }
    }

    @Test
    void unshardedNamesAreTheSingleRedisOnes() {
        assertEquals(RedisKeys.LAST_ID, RedisKeys.lastId(RedisSlots.UNSHARDED));
        assertEquals(RedisKeys.memberChannel("m"), RedisKeys.memberChannel("m", RedisSlots.UNSHARDED));
    }
}
