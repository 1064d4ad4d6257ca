/**
 * Arquillian deployments of the real WAR: {@code Deployments} and {@code DeployedGatewayIT}, the base of the
 * in-container tests that talk to a deployed gateway over its sockets and HTTP API.
 */
package io.switchboard.testing.container;
