package io.switchboard.api;

import io.switchboard.lifecycle.DrainState;
import io.switchboard.protocol.ErrorCode;
import jakarta.annotation.Priority;
import jakarta.inject.Inject;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.ext.Provider;

/**
 * While the node drains on shutdown, API requests are refused with 503 {@code draining} before anything
 * is done, so a proxy or backend may safely send them to another node (nginx does, for POSTs too).
 */
@Provider
@BackendOnly
@Priority(Priorities.AUTHENTICATION - 100)
public class DrainingFilter implements ContainerRequestFilter {

    @Inject
    DrainState drain;

    @Override
    public void filter(ContainerRequestContext request) {
        if (drain.isDraining()) {
            request.abortWith(Problems.response(ErrorCode.DRAINING, "This node is shutting down; send the request again"));
        }
    }
}
