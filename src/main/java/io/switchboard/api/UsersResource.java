package io.switchboard.api;

import io.switchboard.protocol.JsonFields;
import io.switchboard.registry.ConnectionRegistry;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/** {@code GET /api/users/{user}/presence}: is the user connected, and with how many connections. */
@Path("users/{user}")
@RequestScoped
@BackendOnly
public class UsersResource {

    /** A user's presence on this gateway. */
    public record Presence(String user, boolean online, int connections) {
    }

    @Inject
    ConnectionRegistry registry;

    @GET
    @Path("presence")
    @Produces(MediaType.APPLICATION_JSON)
    public Presence presence(@PathParam("user") String user) {
        int connections = registry.connectionCount(JsonFields.userId(user, "user"));
        return new Presence(user, connections > 0, connections);
    }
}
