package io.switchboard.api;

import io.switchboard.protocol.JsonFields;
import io.switchboard.routing.Broker;
import io.switchboard.routing.UserPresence;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;

/** {@code GET /api/users/{user}/presence}: is the user connected anywhere on the gateway, how often, on which nodes. */
@Path("users/{user}")
@RequestScoped
@BackendOnly
public class UsersResource {

    /** A user's presence on the whole gateway. */
    public record Presence(String user, boolean online, int connections, List<String> nodes) {
    }

    @Inject
    Broker broker;

    @GET
    @Path("presence")
    @Produces(MediaType.APPLICATION_JSON)
    public Presence presence(@PathParam("user") String user) {
        UserPresence presence = broker.presence(JsonFields.userId(user, "user"));
        return new Presence(user, presence.online(), presence.connections(), presence.nodes());
    }
}
