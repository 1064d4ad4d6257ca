/**
 * Test clients of a running gateway: {@code WsClient} (JDK WebSocket), {@code RawWsClient} (hand-framed, for
 * frames a well-behaved client never sends), {@code FrameFuzzer}, {@code ClientDeflate}, {@code ApiClient}
 * (HTTP API). Light enough to ship inside an in-container deployment.
 */
package io.switchboard.testing.client;
