/**
 * Starting and stopping a node: the drain on SIGTERM or undeploy ({@code NodeDrain}, {@code DrainOnSigterm},
 * {@code GracefulShutdown}) and the draining flag readiness and the handshake read. Depends on {@code config},
 * {@code connection}, {@code protocol} and {@code registry}.
 */
package io.switchboard.lifecycle;
