package io.switchboard.api;

import io.switchboard.protocol.JsonFields;
import io.switchboard.routing.FanOutReport;
import io.switchboard.routing.MessageRouter;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.io.InputStream;

/** {@code POST /api/broadcast}: a backend sends to every connection. */
@Path("broadcast")
@RequestScoped
@BackendOnly
public class BroadcastResource {

    /** The reply: message id, connections it was handed to, {@code relay} only when the relay was down. */
    public record BroadcastAccepted(String messageId, int delivered, String relay) {
        static BroadcastAccepted of(FanOutReport report) {
            return new BroadcastAccepted(report.messageId(), report.connections(),
                    report.relayUnavailable() ? "unavailable" : null);
        }
    }

    @Inject
    JsonBodies bodies;

    @Inject
    MessageRouter router;

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public BroadcastAccepted broadcast(InputStream body) {
        JsonObject request = bodies.read(body);
        String from = JsonFields.userId(JsonFields.requiredString(request, "from"), "from");
        return BroadcastAccepted.of(router.broadcast(from, JsonFields.requiredValue(request, "content")));
    }
}
