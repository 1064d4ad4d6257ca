package io.switchboard.testing.client;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;

/**
 * Seeded generator of hostile client frames: valid commands, and valid ones mutated, truncated, nested
 * deep, with huge numbers, wrong types, control characters, random bytes; rarely a binary frame, invalid
 * UTF-8 or an oversized frame, which the protocol answers by closing. The same seed gives the same frames.
 */
public final class FrameFuzzer {

    /** What the server must do with a frame: answer it once, or close the connection with one of the codes. */
    public record Fuzzed(String kind, int opcode, byte[] payload, List<Integer> closeCodes) {
        public boolean closes() {
            return !closeCodes.isEmpty();
        }
    }

    private static final List<Integer> ANSWER = List.of();
    private static final String PUNCTUATION = "{}[]\",:\\0x-e9 ";
    private final Random random;
    private final List<String> users;
    private final int maxFrameBytes;

    public FrameFuzzer(long seed, List<String> users, int maxFrameBytes) {
        this.random = new Random(seed);
        this.users = List.copyOf(users);
        this.maxFrameBytes = maxFrameBytes;
    }

    public Fuzzed next() {
        int roll = random.nextInt(2000);
        if (roll == 0) {
            return new Fuzzed("binary", RawWsClient.OP_BINARY, bytes(1 + random.nextInt(64)), List.of(1003));
        }
        if (roll == 1) {
            byte[] invalid = ("{\"type\":\"ping\",\"id\":\"" + "x".repeat(random.nextInt(8)) + "\"}").getBytes(StandardCharsets.UTF_8);
            invalid[invalid.length - 3] = (byte) (0xC0 | random.nextInt(2)); // an overlong encoding lead byte
            return new Fuzzed("invalid-utf8", RawWsClient.OP_TEXT, invalid, List.of(1007, 1003));
        }
        if (roll == 2) {
            return text("oversized", "{\"type\":\"ping\",\"id\":\"" + "y".repeat(maxFrameBytes) + "\"}", List.of(1009));
        }
        return switch (roll % 12) {
            case 0, 1 -> text("valid", valid(), ANSWER);
            case 2 -> text("mutated", mutate(valid()), ANSWER);
            case 3 -> text("truncated", truncate(valid()), ANSWER);
            case 4 -> text("deep", deep(), ANSWER);
            case 5 -> text("huge-number", hugeNumber(), ANSWER);
            case 6 -> text("wrong-type", wrongType(), ANSWER);
            case 7 -> text("control-chars", controlChars(), ANSWER);
            case 8 -> text("garbage", garbage(), ANSWER);
            case 9 -> text("blank", random.nextBoolean() ? "" : " \t\n ", ANSWER);
            case 10 -> text("long-string", "{\"type\":\"ping\",\"id\":\"" + "z".repeat(random.nextInt(maxFrameBytes - 64)) + "\"}", ANSWER);
            default -> text("json-values", jsonValue(3), ANSWER);
        };
    }

    private Fuzzed text(String kind, String text, List<Integer> closeCodes) {
        byte[] payload = text.getBytes(StandardCharsets.UTF_8);
        return new Fuzzed(kind, RawWsClient.OP_TEXT, payload, payload.length > maxFrameBytes ? List.of(1009) : closeCodes);
    }

    private String user() {
        return users.get(random.nextInt(users.size()));
    }

    private String room() {
        return "fuzz-" + random.nextInt(4);
    }

    private String valid() {
        String id = random.nextBoolean() ? "\"c" + random.nextInt(1000) + "\"" : String.valueOf(random.nextInt(1000));
        return switch (random.nextInt(10)) {
            case 0 -> "{\"type\":\"message\",\"id\":" + id + ",\"to\":[\"" + user() + "\"],\"content\":" + jsonValue(2) + "}";
            case 1 -> "{\"type\":\"ping\",\"id\":" + id + "}";
            case 2 -> "{\"type\":\"join\",\"id\":" + id + ",\"room\":\"" + room() + "\"}";
            case 3 -> "{\"type\":\"leave\",\"id\":" + id + ",\"room\":\"" + room() + "\"}";
            case 4 -> "{\"type\":\"publish\",\"id\":" + id + ",\"room\":\"" + room() + "\",\"echo\":false,\"content\":" + jsonValue(2) + "}";
            case 5 -> "{\"type\":\"history\",\"id\":" + id + ",\"room\":\"" + room() + "\",\"limit\":" + (1 + random.nextInt(5)) + "}";
            case 6 -> "{\"type\":\"rooms\",\"id\":" + id + ",\"limit\":" + (1 + random.nextInt(100)) + "}";
            case 7 -> "{\"type\":\"ack\",\"id\":" + id + ",\"upTo\":\"" + random.nextInt(1_000_000) + "-" + random.nextInt(5) + "\"}";
            case 8 -> "{\"type\":\"auth\",\"id\":" + id + ",\"token\":\"" + garbageAscii(20) + "\"}";
            default -> "{\"type\":\"broadcast\",\"id\":" + id + ",\"content\":1}"; // 403: fuzzers have no broadcast group
        };
    }

    private String mutate(String text) {
        StringBuilder s = new StringBuilder(text);
        for (int i = 0, n = 1 + random.nextInt(4); i < n && s.length() > 0; i++) {
            int at = random.nextInt(s.length());
            switch (random.nextInt(3)) {
                case 0 -> s.deleteCharAt(at);
                case 1 -> s.insert(at, PUNCTUATION.charAt(random.nextInt(PUNCTUATION.length())));
                default -> s.setCharAt(at, (char) (random.nextInt(0x3000)));
            }
        }
        return s.toString();
    }

    private String truncate(String text) {
        return text.substring(0, random.nextInt(text.length()));
    }

    private String deep() {
        // around Parsson's nesting limit (1000), and within the frame size limit
        int depth = 1 + random.nextInt(random.nextBoolean() ? 100 : 3_000);
        return random.nextBoolean()
                ? "[".repeat(depth) + "]".repeat(depth)
                : "{\"type\":\"message\",\"to\":[\"" + user() + "\"],\"content\":" + "{\"a\":".repeat(depth) + "1" + "}".repeat(depth) + "}";
    }

    private String hugeNumber() {
        String huge = random.nextBoolean() ? "1e" + (100_000 + random.nextInt(1_000_000)) : "9".repeat(50 + random.nextInt(2000));
        return switch (random.nextInt(4)) {
            case 0 -> "{\"type\":\"ping\",\"id\":" + huge + "}";
            case 1 -> "{\"type\":\"history\",\"room\":\"" + room() + "\",\"limit\":" + huge + "}";
            case 2 -> "{\"type\":\"rooms\",\"limit\":" + huge + "}";
            default -> "{\"type\":\"message\",\"to\":[\"" + user() + "\"],\"content\":" + huge + "}";
        };
    }

    private String wrongType() {
        String other = jsonValue(1);
        return switch (random.nextInt(6)) {
            case 0 -> "{\"type\":" + other + "}";
            case 1 -> "{\"type\":\"message\",\"to\":" + other + ",\"content\":1}";
            case 2 -> "{\"type\":\"join\",\"room\":" + other + "}";
            case 3 -> "{\"type\":\"publish\",\"room\":\"" + room() + "\",\"echo\":" + other + ",\"content\":1}";
            case 4 -> "{\"type\":\"ping\",\"id\":" + other + "}";
            default -> "{\"type\":\"ack\",\"upTo\":" + other + "}";
        };
    }

    private String controlChars() {
        char c = (char) random.nextInt(0x20);
        return random.nextBoolean()
                ? "{\"type\":\"message\",\"to\":[\"a" + c + "b\"],\"content\":1}" // raw: not JSON
                : "{\"type\":\"message\",\"to\":[\"a\\u" + String.format("%04x", (int) c) + "b\"],\"content\":1}"; // escaped: a bad user id
    }

    private String garbage() {
        StringBuilder s = new StringBuilder();
        for (int i = 0, n = random.nextInt(200); i < n; i++) {
            int cp = random.nextInt(4) == 0 ? random.nextInt(0x10FFFF) : 0x20 + random.nextInt(0x5f);
            if (Character.isValidCodePoint(cp) && (cp < 0xD800 || cp > 0xDFFF)) {
                s.appendCodePoint(cp);
            }
        }
        return s.toString();
    }

    private String garbageAscii(int n) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < n; i++) {
            s.append((char) ('a' + random.nextInt(26)));
        }
        return s.toString();
    }

    private String jsonValue(int depth) {
        return switch (random.nextInt(depth <= 0 ? 5 : 7)) {
            case 0 -> "null";
            case 1 -> String.valueOf(random.nextBoolean());
            case 2 -> String.valueOf(random.nextLong());
            case 3 -> String.valueOf(random.nextDouble() * 1e300);
            case 4 -> "\"" + garbageAscii(random.nextInt(10)) + "\"";
            case 5 -> "[" + jsonValue(depth - 1) + "," + jsonValue(depth - 1) + "]";
            default -> "{\"k\":" + jsonValue(depth - 1) + "}";
        };
    }

    private byte[] bytes(int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }
}
