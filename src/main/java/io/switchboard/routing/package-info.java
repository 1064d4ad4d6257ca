/**
 * Where a message goes: the broker ports ({@code Broker}, {@code ClusterBroker}) with the single-node
 * {@code InMemoryBroker}, local delivery to this node's connections, rooms and their presence events
 * ({@code RoomService}), delivery reports. Depends on {@code config}, {@code connection}, {@code inbox},
 * {@code metrics}, {@code protocol} and {@code registry}; never on {@code redis}, which implements its ports.
 */
package io.switchboard.routing;
