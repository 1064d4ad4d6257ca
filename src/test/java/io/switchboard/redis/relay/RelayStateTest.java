package io.switchboard.redis.relay;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.redis.client.NotReplicatedException;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;

class RelayStateTest {

    @Test
    void isUpWhileSubscribedAndCommandsSucceed() {
        RelayState state = new RelayState();
        assertFalse(state.isUp(), "not before the subscriber is in");
        state.subscribed();
        assertTrue(state.isUp());
        state.commandFailed(new JedisConnectionException("connection reset"));
        assertFalse(state.isUp(), "an unreachable Redis takes the relay down");
        state.commandSucceeded();
        assertTrue(state.isUp());
        state.subscriberLost(new JedisConnectionException("gone"));
        assertFalse(state.isUp());
    }

    @Test
    void aFailingScriptIsABugNotAnOutage() {
        RelayState state = new RelayState();
        state.subscribed();
        state.commandFailed(new JedisDataException("ERR user_script:7: Script attempted to access nonexistent global variable"));
        assertTrue(state.isUp(), "everything else keeps relaying");
    }

    @Test
    void aCommandRefusedAsWrongIsABugNotAnOutage() {
        RelayState state = new RelayState();
        state.subscribed();
        state.commandFailed(new JedisDataException("ERR syntax error"));
        state.commandFailed(new JedisDataException("WRONGTYPE Operation against a key holding the wrong kind of value"));
        assertTrue(state.isUp(), "a wrong command fails its own request only");
        state.commandFailed(new JedisDataException("LOADING Redis is loading the dataset in memory"));
        assertFalse(state.isUp(), "a Redis that cannot serve anyone is an outage");
        state.commandSucceeded();
        state.commandFailed(new JedisDataException("READONLY You can't write against a read only replica."));
        assertFalse(state.isUp(), "a demoted master is an outage");
        state.commandSucceeded();
        state.commandFailed(new JedisDataException("ERR max number of clients reached"));
        assertFalse(state.isUp(), "a Redis out of client slots is an outage");
        state.commandSucceeded();
        state.commandFailed(new redis.clients.jedis.exceptions.JedisAccessControlException("WRONGPASS invalid username-password pair"));
        assertFalse(state.isUp(), "refused credentials are an outage");
    }

    @Test
    void aDemotedMasterSeenFromInsideAScriptIsAnOutage() {
        RelayState state = new RelayState();
        state.subscribed();
        state.commandFailed(new JedisDataException(
                "READONLY You can't write against a read only replica. script: 1f0c3e, on @user_script:12."));
        assertFalse(state.isUp(), "after a Sentinel failover the old master refuses the scripts' writes");
    }

    @Test
    void lackingReplicaConfirmationsIsBackPressureNotAnOutage() {
        RelayState state = new RelayState();
        state.subscribed();
        state.commandFailed(new NotReplicatedException(0, 1, 1000));
        assertTrue(state.isUp(), "the master answers; only the writes that were not confirmed are refused");
    }

    @Test
    void answersABugWith500AndAnOutageWithItsFallback() {
        RelayState state = new RelayState();
        state.subscribed();
        io.switchboard.protocol.ProtocolException bug = org.junit.jupiter.api.Assertions.assertThrows(
                io.switchboard.protocol.ProtocolException.class,
                () -> state.failedUnlessBug(new JedisDataException("WRONGTYPE Operation against a key holding the wrong kind of value")));
        org.junit.jupiter.api.Assertions.assertEquals(io.switchboard.protocol.ErrorCode.INTERNAL, bug.code());
        assertTrue(state.isUp());
        state.failedUnlessBug(new JedisConnectionException("connection reset")); // returns: the caller falls back
        assertFalse(state.isUp());
        RuntimeException unavailable = state.failure(new JedisConnectionException("reset"), () -> new IllegalStateException("503"));
        org.junit.jupiter.api.Assertions.assertEquals("503", unavailable.getMessage());
    }

    @Test
    void loadIsBackPressureNotAnOutage() {
        RelayState state = new RelayState();
        state.subscribed();
        state.commandFailed(new JedisConnectionException(new java.net.SocketTimeoutException("Read timed out")));
        assertTrue(state.isUp(), "a slow command fails its own request only");
        state.commandFailed(new redis.clients.jedis.exceptions.JedisException("Could not get a resource from the pool",
                new java.util.NoSuchElementException("Timeout waiting for idle object, borrowMaxWaitDuration=PT2S")));
        assertTrue(state.isUp(), "an exhausted pool fails its own request only");
        state.commandFailed(new JedisConnectionException(new java.net.SocketTimeoutException("Connect timed out")));
        assertFalse(state.isUp(), "a Redis that cannot be reached is an outage");
        state.commandSucceeded();
        state.commandFailed(new JedisConnectionException(new java.net.ConnectException("Connection refused")));
        assertFalse(state.isUp(), "a refused connection is an outage");
    }

    @Test
    void asksForRoomReconciliationOnEveryReturnOfTheRelayAndAfterAnUnrecordedChange() {
        RelayState state = new RelayState();
        state.subscribed();
        assertTrue(state.claimRoomReconciling(), "the first time up");
        assertFalse(state.claimRoomReconciling(), "claimed once");
        state.commandFailed(new JedisConnectionException("timeout"));
        state.commandSucceeded();
        assertTrue(state.claimRoomReconciling(), "DOWN then UP, although the subscriber never dropped");
        state.roomChangeUnrecorded();
        assertTrue(state.isUp());
        assertTrue(state.claimRoomReconciling(), "a leave that could not be written while up");
        assertFalse(state.claimRoomReconciling());
    }
}
