package io.switchboard.api;

import io.switchboard.protocol.CloseCodes;
import io.switchboard.protocol.ErrorCode;
import io.switchboard.protocol.JsonFields;
import io.switchboard.routing.PresenceManager;
import io.switchboard.routing.UserDisconnects;
import io.switchboard.routing.UserPresence;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.List;

/**
 * A user, gateway-wide: {@code GET /api/users/{user}/presence} (connected? how often, on which nodes) and
 * {@code DELETE /api/users/{user}/connections} (close them all).
 */
@Path("users/{user}")
@RequestScoped
@BackendOnly
public class UsersResource {

    /** A user's presence on the whole gateway. */
    public record Presence(String user, boolean online, int connections, List<String> nodes) {
    }

    /** How many connections of the user a disconnect closed, gateway-wide. */
    public record Disconnected(String user, int disconnected) {
    }

    @Inject
    PresenceManager presenceManager;

    @Inject
    UserDisconnects disconnects;

    @GET
    @Path("presence")
    @Produces(MediaType.APPLICATION_JSON)
    public Presence presence(@PathParam("user") String user) {
        UserPresence presence = presenceManager.presence(JsonFields.userId(user, "user"));
        return new Presence(user, presence.online(), presence.connections(), presence.nodes());
    }

    /**
     * {@code DELETE /api/users/{user}/connections[?reconnect=false]}: closes every connection of the user
     * after what is queued for it, with 4002 (reconnect: e.g. to pick up a new token) or, with
     * {@code reconnect=false}, 4100 (signed out: the client must not reconnect with the same token).
     */
    @DELETE
    @Path("connections")
    @Produces(MediaType.APPLICATION_JSON)
    public Disconnected disconnect(@PathParam("user") String user, @QueryParam("reconnect") String reconnect) {
        String id = JsonFields.userId(user, "user");
        int code;
        if (reconnect == null || reconnect.isEmpty() || reconnect.equals("true")) {
            code = CloseCodes.DISCONNECTED;
        } else if (reconnect.equals("false")) {
            code = CloseCodes.SIGNED_OUT;
        } else {
            throw new ApiException(ErrorCode.INVALID_FRAME, "'reconnect' must be true or false");
        }
        return new Disconnected(id, disconnects.disconnect(id, code));
    }
}
