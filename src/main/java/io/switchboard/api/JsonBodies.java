package io.switchboard.api;

import io.switchboard.config.SwitchboardConfig;
import io.switchboard.protocol.ErrorCode;
import io.switchboard.protocol.JsonFields;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;

/** Reads request bodies as JSON objects, refusing any above {@code switchboard.api.max-body-bytes} (413). */
@ApplicationScoped
public class JsonBodies {

    @Inject
    SwitchboardConfig config;

    public JsonObject read(InputStream body) {
        int max = config.api().maxBodyBytes();
        byte[] bytes;
        try {
            bytes = body.readNBytes(max + 1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (bytes.length > max) {
            throw new ApiException(ErrorCode.TOO_LARGE, "Request body is larger than " + max + " bytes");
        }
        if (bytes.length == 0) {
            throw new ApiException(ErrorCode.INVALID_JSON, "Request body is empty; send a JSON object");
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new ApiException(ErrorCode.INVALID_JSON, "Request body is not valid UTF-8");
        }
        return JsonFields.parseObject(text);
    }
}
