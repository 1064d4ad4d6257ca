/**
 * Where a message goes: two outbound ports, {@code Broker} (publishing) and {@code PresenceManager} (who is
 * connected where, room membership), with their single-node implementations ({@code InMemoryBroker},
 * {@code InMemoryPresence}) and the {@code Clustered} qualifier the Redis adapter marks its own with
 * ({@code BrokerSelector} picks one pair at start); one inbound port, {@code BrokerEventHandler}, through
 * which every broker hands this node what it carries here ({@code NodeEvents}); local delivery to this
 * node's connections, rooms and
 * their presence events ({@code RoomService}), delivery reports. Depends on {@code config},
 * {@code connection}, {@code inbox}, {@code metrics}, {@code protocol} and {@code registry}; never on
 * {@code redis}, which implements its ports.
 */
package io.switchboard.routing;
