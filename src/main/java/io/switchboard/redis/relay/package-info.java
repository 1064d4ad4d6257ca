/**
 * The relay between nodes: this node's subscription ({@code RelaySubscriber}; on a Redis Cluster runs of
 * {@code ShardedSubscription}) with its silence watchdog ({@code SilenceDetector}), the catch-up after every
 * (re)subscription ({@code RelayCatchUp}), the wire form of relayed messages ({@code RelayCodec}) and what each
 * means for this node ({@code RelayDispatcher}, into the core's inbound port), and whether the relay is up
 * ({@code RelayState}, {@code RelayReadiness}). What the subscription lives is told through
 * {@code SubscriptionListener}, so this part knows nothing of presence. Depends on {@code config},
 * {@code connection}, {@code metrics}, {@code protocol}, {@code registry}, {@code routing} and
 * {@code redis.client}.
 */
package io.switchboard.redis.relay;
