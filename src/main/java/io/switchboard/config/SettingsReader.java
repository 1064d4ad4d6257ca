package io.switchboard.config;

import java.time.Duration;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Reads settings from one source (MicroProfile Config in the server, a map in tests), each key with its
 * default stated once, here at the read, and checked as it is read: a value that is not a number, out of
 * range or not one of the allowed words fails the start with a message naming the key. Remembers every key
 * it was asked for and its default, which the configuration reference ({@code src/docs/configuration.md}) is
 * checked against. One per reading, on the reading thread.
 */
final class SettingsReader {
    private final Function<String, Optional<String>> source;
    private final Map<String, Optional<String>> defaults = new LinkedHashMap<>();

    SettingsReader(Function<String, Optional<String>> source) {
        this.source = source;
    }

    /** Every key read so far, with its default (empty: none), in reading order. */
    Map<String, Optional<String>> keysRead() {
        return Collections.unmodifiableMap(new LinkedHashMap<>(defaults));
    }

    private Optional<String> raw(String key, String defaultValue) {
        defaults.put(key, Optional.ofNullable(defaultValue));
        return source.apply(key).map(String::strip).filter(value -> !value.isEmpty());
    }

    /** A setting without a default: empty when unset or blank; stripped. */
    Optional<String> optional(String key) {
        return raw(key, null);
    }

    String text(String key, String defaultValue) {
        return raw(key, defaultValue).orElse(defaultValue);
    }

    /** A comma-separated list, entries stripped, empty ones dropped. */
    List<String> list(String key, String defaultValue) {
        String value = defaultValue == null ? optional(key).orElse("") : text(key, defaultValue);
        return Arrays.stream(value.split(",")).map(String::strip).filter(entry -> !entry.isEmpty()).toList();
    }

    /** {@code true}/{@code false} (also {@code yes}/{@code no}, {@code on}/{@code off}, {@code 1}/{@code 0}). */
    boolean flag(String key, boolean defaultValue) {
        Optional<String> value = raw(key, String.valueOf(defaultValue));
        if (value.isEmpty()) {
            return defaultValue;
        }
        return switch (value.get().toLowerCase(Locale.ROOT)) {
            case "true", "yes", "on", "1" -> true;
            case "false", "no", "off", "0" -> false;
            default -> throw invalid(key, "true or false", value.get());
        };
    }

    /** One of {@code allowed}, compared as written. */
    String oneOf(String key, String defaultValue, String... allowed) {
        String value = text(key, defaultValue);
        if (!List.of(allowed).contains(value)) {
            throw invalid(key, "one of " + String.join(", ", allowed), value);
        }
        return value;
    }

    /** A whole number of at least {@code min}. */
    long atLeast(String key, long defaultValue, long min) {
        Optional<String> value = raw(key, String.valueOf(defaultValue));
        long number;
        try {
            number = value.map(Long::parseLong).orElse(defaultValue);
        } catch (NumberFormatException e) {
            throw invalid(key, "a whole number", value.get());
        }
        if (number < min) {
            throw invalid(key, min == 1 ? "> 0" : ">= " + min, String.valueOf(number));
        }
        return number;
    }

    /** A whole number between {@code min} and {@code max}. */
    int between(String key, int defaultValue, int min, int max) {
        long number = atLeast(key, defaultValue, min);
        if (number > max) {
            throw invalid(key, min + ".." + max, String.valueOf(number));
        }
        return (int) number;
    }

    long positive(String key, long defaultValue) {
        return atLeast(key, defaultValue, 1);
    }

    /** {@link #positive} as an int: values past {@link Integer#MAX_VALUE} count as that. */
    int positiveInt(String key, int defaultValue) {
        return (int) Math.min(Integer.MAX_VALUE, positive(key, defaultValue));
    }

    /** A positive number of milliseconds. */
    Duration positiveMillis(String key, long defaultMillis) {
        return Duration.ofMillis(positive(key, defaultMillis));
    }

    /** A number of milliseconds, 0 allowed (which each caller gives a meaning: off, none). */
    Duration millis(String key, long defaultMillis) {
        return Duration.ofMillis(atLeast(key, defaultMillis, 0));
    }

    /** A start-up failure naming the key, what it must be and what it was. */
    static IllegalStateException invalid(String key, String expected, String actual) {
        return new IllegalStateException(key + " must be " + expected + ", was '" + actual + "'");
    }
}
