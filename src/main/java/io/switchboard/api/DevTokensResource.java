package io.switchboard.api;

import io.switchboard.config.SwitchboardConfig;
import io.switchboard.protocol.ErrorCode;
import io.switchboard.protocol.JsonFields;
import io.switchboard.security.DevTokenIssuer;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

/**
 * {@code POST /api/dev/tokens}: signs a token for any user with the development key, for trying the
 * gateway out. Answers 404 unless {@code switchboard.dev.tokens.enabled=true}; keep it off in production.
 */
@Path("dev/tokens")
@RequestScoped
public class DevTokensResource {

    @Inject
    DevTokenIssuer issuer;

    @Inject
    JsonBodies bodies;

    @Inject
    SwitchboardConfig config;

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public DevTokenIssuer.DevToken issue(InputStream body) {
        if (!issuer.enabled()) {
            throw new ApiException(ErrorCode.NOT_FOUND, "Dev tokens are disabled");
        }
        JsonObject request = bodies.read(body);
        String user = JsonFields.userId(JsonFields.requiredString(request, "user"), "user");
        return issuer.issue(user, groups(request), ttl(request))
                .orElseThrow(() -> new ApiException(ErrorCode.NOT_FOUND, "Dev tokens are disabled"));
    }

    /** {@code ttlSeconds}: 1 to {@code switchboard.dev.token-ttl-seconds}, which is also the default. */
    private Duration ttl(JsonObject request) {
        long max = config.auth().devTokenTtl().toSeconds();
        OptionalInt seconds = JsonFields.optionalPositiveInt(request, "ttlSeconds");
        if (seconds.isEmpty()) {
            return config.auth().devTokenTtl();
        }
        if (seconds.getAsInt() > max) {
            throw new ApiException(ErrorCode.INVALID_FRAME, "Field 'ttlSeconds' must be at most " + max);
        }
        return Duration.ofSeconds(seconds.getAsInt());
    }

    private static List<String> groups(JsonObject request) {
        JsonValue value = request.get("groups");
        List<String> groups = new ArrayList<>();
        if (value == null || value == JsonValue.NULL) {
            return groups;
        }
        if (value.getValueType() != JsonValue.ValueType.ARRAY) {
            throw new ApiException(ErrorCode.INVALID_FRAME, "Field 'groups' must be an array of strings");
        }
        for (JsonValue group : (JsonArray) value) {
            if (group.getValueType() != JsonValue.ValueType.STRING) {
                throw new ApiException(ErrorCode.INVALID_FRAME, "Field 'groups' must be an array of strings");
            }
            groups.add(((JsonString) group).getString());
        }
        return groups;
    }
}
