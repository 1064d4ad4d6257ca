package io.switchboard.api;

import io.switchboard.config.SwitchboardConfig;
import io.switchboard.inbox.Idempotency;
import io.switchboard.protocol.ErrorCode;
import io.switchboard.protocol.JsonFields;
import io.switchboard.routing.MessageRouter;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

/**
 * {@code POST /api/messages}: a backend sends a direct message to users, as a client would. 200 means
 * stored (inbox on) and handed to every online recipient's connections ({@code "store": false}: handed to
 * the connections online now, never stored); with Redis unreachable it is
 * 503 and nothing is stored, so the backend retries, with an {@code Idempotency-Key} to be safe: keys
 * are scoped by the credential that sent them, and reusing one for a different request is a 409.
 */
@Path("messages")
@RequestScoped
@BackendOnly
public class MessagesResource {

    /**
     * The reply: message id, connections reached per recipient, offline recipients; {@code undelivered}
     * and {@code relay} only when some online recipients could not be reached (null fields are omitted).
     */
    public record MessageAccepted(String messageId, Map<String, Integer> delivered, List<String> offline,
            List<String> undelivered, String relay, Boolean duplicate) {
    }

    /** Longest {@code Idempotency-Key} accepted (it becomes part of a Redis key). */
    static final int MAX_IDEMPOTENCY_KEY_LENGTH = 200;

    @Inject
    SwitchboardConfig config;

    @Inject
    JsonBodies bodies;

    @Inject
    MessageRouter router;

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public CompletionStage<MessageAccepted> send(@HeaderParam("Idempotency-Key") String idempotencyKey,
            @Context HttpServletRequest http, InputStream body) {
        JsonObject request = bodies.read(body);
        String from = JsonFields.userId(JsonFields.requiredString(request, "from"), "from");
        List<String> to = JsonFields.userList(request, "to", config.connections().maxRecipients());
        boolean store = router.stores(JsonFields.optionalBoolean(request, "store", true));
        String key = checkedIdempotencyKey(idempotencyKey, store);
        Idempotency idempotency = key == null ? null
                : Idempotency.of(String.valueOf(http.getAttribute(BackendAuthFilter.CREDENTIAL)), key, request.toString());
        // Answered when the store answers; the request thread does not wait for Redis meanwhile.
        CompletableFuture<MessageAccepted> accepted = new CompletableFuture<>();
        // Backends are trusted: they may store for any user id (the recipient policy binds clients).
        JsonValue content = JsonFields.requiredValue(request, "content");
        router.sendDirect(from, to, content, store, idempotency, false).whenComplete((report, error) -> {
            if (error != null) {
                // the cause itself (a ProtocolException for refusals), so the problem mappers apply
                accepted.completeExceptionally(error instanceof CompletionException && error.getCause() != null ? error.getCause() : error);
                return;
            }
            accepted.complete(new MessageAccepted(report.messageId(), report.delivered(), report.offline(),
                    report.undelivered().isEmpty() ? null : report.undelivered(),
                    report.relayUnavailable() ? "unavailable" : null, report.duplicate() ? Boolean.TRUE : null));
        });
        return accepted;
    }

    /**
     * Null when absent; else 1–200 printable ASCII characters (it is kept in Redis as part of a key), and only
     * for a message that is stored.
     */
    private String checkedIdempotencyKey(String key, boolean store) {
        if (key == null) {
            return null;
        }
        if (!config.inbox().enabled()) {
            throw new ApiException(ErrorCode.INVALID_FRAME, "Idempotency-Key needs the inbox (switchboard.inbox.enabled)");
        }
        if (!store) {
            throw new ApiException(ErrorCode.INVALID_FRAME, "Idempotency-Key needs a stored message (not \"store\": false)");
        }
        boolean printable = key.chars().allMatch(c -> c > 0x20 && c < 0x7f);
        if (key.isEmpty() || key.length() > MAX_IDEMPOTENCY_KEY_LENGTH || !printable) {
            throw new ApiException(ErrorCode.INVALID_FRAME,
                    "Idempotency-Key must be 1 to " + MAX_IDEMPOTENCY_KEY_LENGTH + " printable ASCII characters");
        }
        return key;
    }
}
