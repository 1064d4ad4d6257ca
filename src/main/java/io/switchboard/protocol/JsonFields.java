package io.switchboard.protocol;

import jakarta.json.JsonArray;
import jakarta.json.JsonException;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.stream.JsonParser;
import java.io.StringReader;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.OptionalInt;
import java.util.Set;

/** Typed access to fields of client and backend JSON, failing with precise {@link ProtocolException}s. */
public final class JsonFields {
    /** User ids are opaque strings; this bound keeps one id from costing more than a frame's worth. */
    public static final int MAX_USER_ID_LENGTH = 256;
    /** Room names are short identifiers; they appear in Redis keys and URL paths unescaped. */
    public static final int MAX_ROOM_NAME_LENGTH = 128;

    private static final BigDecimal MAX_INT = BigDecimal.valueOf(Integer.MAX_VALUE);

    private JsonFields() {
    }

    /** Parses a whole JSON object; anything else (arrays, scalars, trailing garbage) is invalid-json. */
    public static JsonObject parseObject(String text) {
        JsonValue value;
        try (JsonParser parser = JsonFactories.PARSERS.createParser(new StringReader(text))) {
            if (!parser.hasNext()) {
                throw new ProtocolException(ErrorCode.INVALID_JSON, "Empty frame; expected a JSON object");
            }
            parser.next();
            value = parser.getValue();
            if (parser.hasNext()) {
                throw new ProtocolException(ErrorCode.INVALID_JSON, "Trailing content after the JSON value");
            }
        } catch (ProtocolException e) {
            throw e;
        } catch (JsonException | IllegalStateException | NoSuchElementException e) {
            throw new ProtocolException(ErrorCode.INVALID_JSON, "Not valid JSON: " + firstLine(e.getMessage()));
        } catch (RuntimeException e) {
            // Parsson's guards against hostile input (numbers of over 1100 characters, nesting deeper than
            // 1000) throw plain runtime exceptions
            throw new ProtocolException(ErrorCode.INVALID_JSON, "JSON beyond the parser's limits: " + firstLine(e.getMessage()));
        }
        if (value.getValueType() != JsonValue.ValueType.OBJECT) {
            throw new ProtocolException(ErrorCode.INVALID_JSON, "Expected a JSON object, got " + describe(value));
        }
        return value.asJsonObject();
    }

    public static String requiredString(JsonObject object, String field) {
        JsonValue value = object.get(field);
        if (value == null) {
            throw missing(field);
        }
        if (value.getValueType() != JsonValue.ValueType.STRING) {
            throw new ProtocolException(ErrorCode.INVALID_FRAME,
                    "Field '" + field + "' must be a string, got " + describe(value));
        }
        return ((JsonString) value).getString();
    }

    /** A boolean field that may be absent (then {@code fallback}). */
    public static boolean optionalBoolean(JsonObject object, String field, boolean fallback) {
        JsonValue value = object.get(field);
        if (value == null) {
            return fallback;
        }
        if (value.getValueType() == JsonValue.ValueType.TRUE) {
            return true;
        }
        if (value.getValueType() == JsonValue.ValueType.FALSE) {
            return false;
        }
        throw new ProtocolException(ErrorCode.INVALID_FRAME,
                "Field '" + field + "' must be a boolean, got " + describe(value));
    }

    /** An integer field ≥ 1 that may be absent. */
    public static OptionalInt optionalPositiveInt(JsonObject object, String field) {
        JsonValue value = object.get(field);
        if (value == null) {
            return OptionalInt.empty();
        }
        if (value.getValueType() == JsonValue.ValueType.NUMBER) {
            // exact: longValue() of a huge number wraps around, and 1e999999 must not be expanded
            BigDecimal number = ((JsonNumber) value).bigDecimalValue();
            if (number.compareTo(BigDecimal.ONE) >= 0 && number.compareTo(MAX_INT) <= 0
                    && number.stripTrailingZeros().scale() <= 0) {
                return OptionalInt.of(number.intValue());
            }
        }
        throw new ProtocolException(ErrorCode.INVALID_FRAME, "Field '" + field + "' must be a whole number from 1 to " + Integer.MAX_VALUE);
    }

    /** A required string field holding a valid room name (see {@link #roomName(String, String)}). */
    public static String roomName(JsonObject object, String field) {
        return roomName(requiredString(object, field), field);
    }

    /**
     * Checks a room name from any source (frame, body, path): 1 to {@value #MAX_ROOM_NAME_LENGTH} characters
     * from {@code A-Z a-z 0-9 _ . : @ -}, so it is safe in Redis keys, URL paths and logs as is.
     */
    public static String roomName(String candidate, String where) {
        if (candidate.isEmpty() || candidate.length() > MAX_ROOM_NAME_LENGTH) {
            throw new ProtocolException(ErrorCode.INVALID_ROOM,
                    "'" + where + "' must be a room name of 1 to " + MAX_ROOM_NAME_LENGTH + " characters");
        }
        for (int i = 0; i < candidate.length(); i++) {
            if (!isRoomNameChar(candidate.charAt(i))) {
                throw new ProtocolException(ErrorCode.INVALID_ROOM, "'" + where + "' may only contain"
                        + " letters, digits and _ . : @ - (found '" + printable(candidate.charAt(i)) + "' at " + i + ")");
            }
        }
        return candidate;
    }

    private static boolean isRoomNameChar(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || c == '_' || c == '.' || c == ':' || c == '@' || c == '-';
    }

    private static String printable(char c) {
        return Character.isISOControl(c) || Character.isWhitespace(c) ? String.format("\\u%04x", (int) c) : String.valueOf(c);
    }

    /** A value that must be present but may be any JSON, {@code null} included. */
    public static JsonValue requiredValue(JsonObject object, String field) {
        JsonValue value = object.get(field);
        if (value == null) {
            throw missing(field);
        }
        return value;
    }

    /** A non-empty array of valid user ids, de-duplicated in first-seen order, at most {@code max} long. */
    public static List<String> userList(JsonObject object, String field, int max) {
        JsonValue value = object.get(field);
        if (value == null) {
            throw missing(field);
        }
        if (value.getValueType() != JsonValue.ValueType.ARRAY) {
            throw new ProtocolException(ErrorCode.INVALID_FRAME,
                    "Field '" + field + "' must be an array of user ids, got " + describe(value));
        }
        JsonArray array = value.asJsonArray();
        if (array.isEmpty()) {
            throw new ProtocolException(ErrorCode.INVALID_FRAME, "Field '" + field + "' must name at least one user");
        }
        if (array.size() > max) {
            throw new ProtocolException(ErrorCode.TOO_MANY_RECIPIENTS,
                    "Field '" + field + "' has " + array.size() + " entries; the limit is " + max);
        }
        Set<String> users = new LinkedHashSet<>();
        for (int i = 0; i < array.size(); i++) {
            JsonValue entry = array.get(i);
            if (entry.getValueType() != JsonValue.ValueType.STRING) {
                throw new ProtocolException(ErrorCode.INVALID_FRAME,
                        "Field '" + field + "[" + i + "]' must be a string, got " + describe(entry));
            }
            users.add(userId(((JsonString) entry).getString(), field + "[" + i + "]"));
        }
        return new ArrayList<>(users);
    }

    /** Checks a user id from any source (frame, body, path) and returns it. */
    public static String userId(String candidate, String where) {
        if (candidate.isEmpty() || candidate.length() > MAX_USER_ID_LENGTH) {
            throw new ProtocolException(ErrorCode.INVALID_FRAME,
                    "'" + where + "' must be a user id of 1 to " + MAX_USER_ID_LENGTH + " characters");
        }
        for (int i = 0; i < candidate.length(); i++) {
            char c = candidate.charAt(i);
            if (Character.isISOControl(c)) {
                throw new ProtocolException(ErrorCode.INVALID_FRAME, "'" + where + "' contains a control character");
            }
            // A lone surrogate is not Unicode: encoded to UTF-8 (for Redis keys) it would become '?' and
            // name the same keys as another user's id.
            if (Character.isSurrogate(c)) {
                if (Character.isHighSurrogate(c) && i + 1 < candidate.length() && Character.isLowSurrogate(candidate.charAt(i + 1))) {
                    i++;
                } else {
                    throw new ProtocolException(ErrorCode.INVALID_FRAME, "'" + where + "' is not valid Unicode (a lone surrogate)");
                }
            }
        }
        return candidate;
    }

    /** Names a JSON value's type for error messages without echoing (possibly large) content. */
    public static String describe(JsonValue value) {
        return switch (value.getValueType()) {
            case OBJECT -> "an object";
            case ARRAY -> "an array";
            case STRING -> "a string";
            case NUMBER -> "a number";
            case TRUE, FALSE -> "a boolean";
            case NULL -> "null";
        };
    }

    private static ProtocolException missing(String field) {
        return new ProtocolException(ErrorCode.INVALID_FRAME, "Field '" + field + "' is required");
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unreadable input";
        }
        int newline = message.indexOf('\n');
        String line = newline < 0 ? message : message.substring(0, newline);
        return line.length() > 200 ? line.substring(0, 200) : line;
    }
}
