package io.switchboard.config;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.logging.Logger;
import java.util.stream.Collectors;
import org.eclipse.microprofile.config.Config;

/**
 * Every Switchboard setting, read once from MicroProfile Config at start-up and validated, grouped per
 * concern: one small immutable record per prefix ({@link #redis()}, {@link #rooms()}, {@link #limits()}...),
 * each of which states its keys and their defaults once ({@link SettingsReader}). The configuration reference
 * ({@code src/docs/configuration.md}) documents each key; environment variables work as MicroProfile Config maps them (e.g.
 * {@code SWITCHBOARD_HEARTBEAT_INTERVAL_MS}). Tests build one from a map of values over the same defaults.
 */
@ApplicationScoped
public class SwitchboardConfig {

    @Inject
    Config source;

    private String nodeId;
    private String broadcastGroup;
    private Set<String> allowedOrigins;
    private Duration statsLogInterval;
    private HeartbeatSettings heartbeat;
    private ConnectionSettings connections;
    private DeflateSettings deflate;
    private AuthSettings auth;
    private ApiSettings api;
    private RedisSettings redis;
    private RoomSettings rooms;
    private InboxSettings inbox;
    private LimitSettings limits;
    private ShutdownSettings shutdown;
    private PusherSettings pusher;
    private Map<String, Optional<String>> keys;
    /** The values a test gave ({@link #of}); null when read from MicroProfile Config. */
    private Map<String, String> givenValues;

    /** Settings from {@code values} over the built-in defaults, as in tests; validated. */
    static SwitchboardConfig of(Map<String, String> values) {
        SwitchboardConfig config = new SwitchboardConfig();
        config.givenValues = Map.copyOf(values);
        config.read(new SettingsReader(key -> Optional.ofNullable(values.get(key))));
        return config;
    }

    /** The values {@link #of} was given (empty when read from MicroProfile Config). */
    Map<String, String> givenValues() {
        return givenValues == null ? Map.of() : givenValues;
    }

    /**
     * Created (and validated) as the application starts, on the deploying thread, whose context class
     * loader sees the WAR's settings; created lazily instead, by whichever thread first asked, it read the
     * server's defaults when that was a thread of another module (the health endpoint polled during
     * deployment: {@code mp.jwt.verify.issuer} was then missing on one node in four, and its tokens were
     * refused by the others).
     */
    void created(@Observes @Initialized(ApplicationScoped.class) Object started) {
        // being notified is what creates the instance, on this thread; then the warnings of a risky setup
        auth.warnIfRisky(Logger.getLogger(SwitchboardConfig.class.getName()));
    }

    @PostConstruct
    void readFromMicroProfileConfig() {
        read(new SettingsReader(key -> source.getOptionalValue(key, String.class)));
    }

    private void read(SettingsReader settings) {
        heartbeat = HeartbeatSettings.read(settings);
        connections = ConnectionSettings.read(settings);
        deflate = DeflateSettings.read(settings);
        auth = AuthSettings.read(settings);
        api = ApiSettings.read(settings);
        redis = RedisSettings.read(settings);
        rooms = RoomSettings.read(settings);
        inbox = InboxSettings.read(settings);
        limits = LimitSettings.read(settings);
        shutdown = ShutdownSettings.read(settings);
        pusher = PusherSettings.read(settings);
        broadcastGroup = settings.text("switchboard.broadcast.group", "broadcast");
        allowedOrigins = settings.list("switchboard.allowed-origins", null).stream()
                .map(origin -> origin.endsWith("/") ? origin.substring(0, origin.length() - 1) : origin)
                .collect(Collectors.toUnmodifiableSet());
        statsLogInterval = settings.millis("switchboard.stats.log-interval-ms", 60_000);
        nodeId = settings.optional("switchboard.node.id")
                .orElseGet(() -> "node-" + UUID.randomUUID().toString().substring(0, 8));
        if (nodeId.contains("{") || nodeId.contains("}")) {
            // a brace in a Redis channel name would take the place of the hash tag that puts it in its slot
            throw new IllegalStateException("switchboard.node.id must not contain braces, was '" + nodeId + "'");
        }
        keys = settings.keysRead();
    }

    /** Every key this node reads, with its built-in default (empty: none). */
    public Map<String, Optional<String>> keys() {
        return keys;
    }

    /** This node's id: configured, or generated once per start. */
    public String nodeId() {
        return nodeId;
    }

    /** The token group allowed to send {@code broadcast} frames. */
    public String broadcastGroup() {
        return broadcastGroup;
    }

    /** Origins allowed to open WebSockets ({@code https://chat.example.com}); empty: any origin. */
    public Set<String> allowedOrigins() {
        return allowedOrigins;
    }

    /** How often a node logs its counts at INFO; zero turns the line off. */
    public Duration statsLogInterval() {
        return statsLogInterval;
    }

    public HeartbeatSettings heartbeat() {
        return heartbeat;
    }

    public ConnectionSettings connections() {
        return connections;
    }

    public DeflateSettings deflate() {
        return deflate;
    }

    public AuthSettings auth() {
        return auth;
    }

    public ApiSettings api() {
        return api;
    }

    /** The Pusher Channels apps served (none: the Pusher protocol is off). */
    public PusherSettings pusher() {
        return pusher;
    }

    public RedisSettings redis() {
        return redis;
    }

    public RoomSettings rooms() {
        return rooms;
    }

    public InboxSettings inbox() {
        return inbox;
    }

    public LimitSettings limits() {
        return limits;
    }

    public ShutdownSettings shutdown() {
        return shutdown;
    }
}
