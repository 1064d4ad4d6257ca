package io.switchboard.api;

import io.switchboard.config.SwitchboardConfig;
import io.switchboard.protocol.JsonFields;
import io.switchboard.routing.DeliveryReport;
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
import java.util.List;
import java.util.Map;

/** {@code POST /api/messages}: a backend sends a direct message to users, as a client would. */
@Path("messages")
@RequestScoped
@BackendOnly
public class MessagesResource {

    /**
     * The reply: message id, connections reached per recipient, offline recipients; {@code undelivered}
     * and {@code relay} only when some online recipients could not be reached (null fields are omitted).
     */
    public record MessageAccepted(String messageId, Map<String, Integer> delivered, List<String> offline,
            List<String> undelivered, String relay) {
    }

    @Inject
    SwitchboardConfig config;

    @Inject
    JsonBodies bodies;

    @Inject
    MessageRouter router;

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public MessageAccepted send(InputStream body) {
        JsonObject request = bodies.read(body);
        String from = JsonFields.userId(JsonFields.requiredString(request, "from"), "from");
        List<String> to = JsonFields.userList(request, "to", config.maxRecipients());
        DeliveryReport report = router.sendDirect(from, to, JsonFields.requiredValue(request, "content"));
        return new MessageAccepted(report.messageId(), report.delivered(), report.offline(),
                report.undelivered().isEmpty() ? null : report.undelivered(),
                report.relayUnavailable() ? "unavailable" : null);
    }
}
