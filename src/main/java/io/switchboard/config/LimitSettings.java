package io.switchboard.config;

import java.util.Optional;

/**
 * {@code switchboard.limits.*}, the abuse limits, each per node: commands per connection (rate, burst, and the
 * refusals in a burst before it is closed with 4003); connections per user and in all; handshakes per client
 * address; HTTP API requests per credential; stored copies and bytes per client sender, and the token claim
 * that multiplies a trusted sender's quota; how many client addresses (and credentials) are tracked (about 200
 * bytes each; past it the least recently seen is forgotten); the header a trusted proxy puts the client
 * address in (empty: the TCP peer).
 */
public record LimitSettings(double commandsPerSecond, int commandsBurst, int refusalsBeforeClose, int connectionsPerUser,
        int connectionsPerNode, double handshakesPerSecondPerIp, int handshakesBurstPerIp, int trackedClients,
        double apiRequestsPerSecond, int apiBurst, double storedCopiesPerSecond, int storedCopiesBurst,
        double storedBytesPerSecond, int storedBytesBurst, String storageQuotaClaim, Optional<String> clientIpHeader) {

    static LimitSettings read(SettingsReader settings) {
        return new LimitSettings(settings.positive("switchboard.limits.commands-per-second", 100),
                settings.positiveInt("switchboard.limits.commands-burst", 200),
                settings.positiveInt("switchboard.limits.refusals-before-close", 50),
                settings.positiveInt("switchboard.limits.connections-per-user", 100),
                settings.positiveInt("switchboard.limits.connections-per-node", 50_000),
                settings.positive("switchboard.limits.handshakes-per-second-per-ip", 20),
                settings.positiveInt("switchboard.limits.handshakes-burst-per-ip", 50),
                settings.positiveInt("switchboard.limits.tracked-clients", 100_000),
                settings.positive("switchboard.limits.api-requests-per-second", 500),
                settings.positiveInt("switchboard.limits.api-burst", 1000),
                settings.positive("switchboard.limits.stored-copies-per-second", 200),
                settings.positiveInt("switchboard.limits.stored-copies-burst", 2000),
                settings.positive("switchboard.limits.stored-bytes-per-second", 1_048_576),
                settings.positiveInt("switchboard.limits.stored-bytes-burst", 8_388_608),
                settings.text("switchboard.limits.storage-quota-claim", "sb_storage_quota"),
                settings.optional("switchboard.limits.client-ip-header"));
    }
}
