package io.switchboard.protocol;

import jakarta.json.stream.JsonGenerator;
import java.io.StringWriter;

/** RFC 9457 problem details for HTTP errors, with Switchboard's error slug as {@code code}. */
public final class ProblemJson {
    public static final String MEDIA_TYPE = "application/problem+json";
    private static final String TYPE_PREFIX = "urn:switchboard:problem:";

    private ProblemJson() {
    }

    public static String of(ErrorCode code, String detail) {
        StringWriter out = new StringWriter(160);
        try (JsonGenerator g = JsonFactories.GENERATORS.createGenerator(out)) {
            g.writeStartObject()
                    .write("type", TYPE_PREFIX + code.slug())
                    .write("title", code.title())
                    .write("status", code.status())
                    .write("code", code.slug())
                    .write("detail", detail)
                    .writeEnd();
        }
        return out.toString();
    }
}
