package io.switchboard.api;

import io.switchboard.api.BroadcastResource.BroadcastAccepted;
import io.switchboard.protocol.ErrorCode;
import io.switchboard.protocol.JsonFields;
import io.switchboard.routing.RoomPage;
import io.switchboard.routing.RoomService;
import io.switchboard.routing.RoomSnapshot;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.io.InputStream;
import java.util.List;

/**
 * Rooms for backends: publish to a room, see who is in one, list rooms, kick a user out of one. Not
 * subject to the clients' room permissions. Gateway-wide on a cluster.
 */
@Path("rooms")
@RequestScoped
@BackendOnly
public class RoomsResource {
    /** Page size of {@code GET /api/rooms} when no {@code limit} is given. */
    static final int DEFAULT_PAGE = 100;
    /** Largest page of {@code GET /api/rooms}. */
    static final int MAX_PAGE = 1000;

    /** One page of rooms; {@code next} is the {@code after} cursor of the following page (null at the end). */
    public record Rooms(List<RoomPage.Entry> rooms, String next) {
    }

    @Inject
    JsonBodies bodies;

    @Inject
    RoomService rooms;

    /** {@code POST /api/rooms/{room}/messages} with {@code {"from":..,"content":..}}: to every member connection. */
    @POST
    @Path("{room}/messages")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public BroadcastAccepted publish(@PathParam("room") String room, InputStream body) {
        String name = JsonFields.roomName(room, "room");
        JsonObject request = bodies.read(body);
        String from = JsonFields.userId(JsonFields.requiredString(request, "from"), "from");
        return BroadcastAccepted.of(rooms.publish(from, name, JsonFields.requiredValue(request, "content"), null, true));
    }

    /** {@code GET /api/rooms/{room}}: exact member (user) count and up to {@code switchboard.rooms.max-listed-users} users. */
    @GET
    @Path("{room}")
    @Produces(MediaType.APPLICATION_JSON)
    public RoomSnapshot room(@PathParam("room") String room) {
        return rooms.room(JsonFields.roomName(room, "room"));
    }

    /** {@code GET /api/rooms?after=&limit=}: rooms with members, in name order, with their counts. */
    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Rooms list(@QueryParam("after") String after, @QueryParam("limit") String limit) {
        RoomPage page = rooms.rooms(after == null || after.isEmpty() ? null : JsonFields.roomName(after, "after"),
                pageSize(limit));
        return new Rooms(page.rooms(), page.next());
    }

    /** {@code DELETE /api/rooms/{room}/members/{user}}: every connection of the user leaves the room and is told so. */
    @DELETE
    @Path("{room}/members/{user}")
    public void kick(@PathParam("room") String room, @PathParam("user") String user) {
        String name = JsonFields.roomName(room, "room");
        if (!rooms.kick(name, JsonFields.userId(user, "user"))) {
            throw new ApiException(ErrorCode.NOT_MEMBER, "User '" + user + "' is not in room '" + name + "'");
        }
    }

    private static int pageSize(String limit) {
        if (limit == null || limit.isEmpty()) {
            return DEFAULT_PAGE;
        }
        try {
            int size = Integer.parseInt(limit);
            if (size >= 1 && size <= MAX_PAGE) {
                return size;
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        throw new ApiException(ErrorCode.INVALID_FRAME, "'limit' must be a number from 1 to " + MAX_PAGE);
    }
}
