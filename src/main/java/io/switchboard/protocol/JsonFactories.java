package io.switchboard.protocol;

import jakarta.json.spi.JsonProvider;
import jakarta.json.stream.JsonGeneratorFactory;
import jakarta.json.stream.JsonParserFactory;
import java.util.Map;

/**
 * The JSON-P factories, looked up once. {@code Json.createGenerator(...)} and friends look the provider
 * up through the service loader on every call, which scans the class path; on the hot path that cost
 * more than the rest of a delivery (see src/docs/benchmarks.md). The factories are immutable and
 * thread-safe.
 */
public final class JsonFactories {
    public static final JsonProvider PROVIDER = JsonProvider.provider();
    public static final JsonGeneratorFactory GENERATORS = PROVIDER.createGeneratorFactory(Map.of());
    public static final JsonParserFactory PARSERS = PROVIDER.createParserFactory(Map.of());

    private JsonFactories() {
    }
}
