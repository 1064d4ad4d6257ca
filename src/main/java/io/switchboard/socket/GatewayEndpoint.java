package io.switchboard.socket;

import io.switchboard.config.SwitchboardConfig;
import io.switchboard.connection.Connection;
import io.switchboard.connection.FrameBatching;
import io.switchboard.connection.SendQueueLimits;
import io.switchboard.inbox.ResumeService;
import io.switchboard.limits.CommandBudget;
import io.switchboard.metrics.TrafficCounters;
import io.switchboard.protocol.CloseCodes;
import io.switchboard.protocol.ErrorCode;
import io.switchboard.protocol.Frames;
import io.switchboard.registry.ConnectionRegistry;
import io.switchboard.routing.PresenceManager;
import io.switchboard.routing.RoomService;
import io.switchboard.security.Identity;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.Dependent;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.inject.Inject;
import jakarta.websocket.CloseReason;
import jakarta.websocket.OnClose;
import jakarta.websocket.OnError;
import jakarta.websocket.OnMessage;
import jakarta.websocket.OnOpen;
import jakarta.websocket.PongMessage;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerEndpoint;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.RejectedExecutionException;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The client WebSocket endpoint at {@value #PATH}. Thin: it turns socket events into calls on the
 * {@link Connection}, the {@link ConnectionRegistry} and the {@link CommandDispatcher}. The handshake was
 * authenticated by {@link HandshakeFilter}. All callbacks run on container WebSocket threads, one at a
 * time per session; none waits on a socket (sends are queued, closes run on the managed executor) nor, at
 * open, on Redis: the replay plan and first page are read (with the presence entry, in one step) on a Redis
 * lane, which sends the welcome when they arrive ({@link ResumeService}). One instance
 * serves every connection ({@link GatewayConfigurator}): per-connection state is one typed
 * {@link SocketState} attached to the session, never in fields.
 */
@ServerEndpoint(value = GatewayEndpoint.PATH, configurator = GatewayConfigurator.class)
@Dependent // one instance all the same: the configurator creates it once
public class GatewayEndpoint {
    public static final String PATH = "/ws";
    private static final Logger LOG = Logger.getLogger(GatewayEndpoint.class.getName());

    @Inject
    SwitchboardConfig config;

    @Inject
    ConnectionRegistry registry;

    @Inject
    CommandDispatcher dispatcher;

    @Inject
    PresenceManager presenceManager;

    @Inject
    RoomService rooms;

    @Resource
    ManagedExecutorService executor;

    @Inject
    BareContextClassLoader bareContext;

    @Inject
    WriterPool writers;

    @Inject
    ResumeService resumer;

    @Inject
    TrafficCounters traffic;

    /** How far frames are joined for clients that opted in ({@code batch=1}); from the settings, once. */
    private FrameBatching batching;

    @PostConstruct
    void init() {
        batching = new FrameBatching(true, config.connections().batchMaxFrames(), config.connections().batchMaxBytes(),
                config.connections().batchDelay().toMillis());
    }

    @OnOpen
    public void open(Session session) throws IOException {
        if (!(session.getUserPrincipal() instanceof Identity identity)) {
            // HandshakeFilter lets no unauthenticated upgrade through; refuse rather than trust anyone.
            session.close(new CloseReason(CloseReason.CloseCodes.VIOLATED_POLICY, "not authenticated"));
            return;
        }
        session.setMaxTextMessageBufferSize(config.connections().maxFrameBytes());
        session.setMaxBinaryMessageBufferSize(config.connections().maxFrameBytes());
        // Negative: no idle timeout (the heartbeat decides when a silent connection is dead). Not 0: Tyrus 2.2
        // then schedules nothing per frame, where 0 still re-arms a timer task on every frame and send.
        bareContext.run(() -> session.setMaxIdleTimeout(-1));
        ConnectParameters resume = ConnectParameters.from(name -> first(session.getRequestParameterMap().get(name)));
        String id = UUID.randomUUID().toString();
        Connection connection = new Connection(id, resume.device().orElse(id), identity,
                new SessionSink(session, executor, bareContext), writers,
                new SendQueueLimits(config.connections().sendQueueMaxFrames(), config.connections().sendQueueMaxBytes()),
                resume.batch() ? batching : FrameBatching.OFF, this::closed, System.nanoTime());
        new SocketState(connection, new CommandBudget(config.limits().commandsPerSecond(), config.limits().commandsBurst(),
                config.limits().refusalsBeforeClose(), System.nanoTime())).attachTo(session);
        if (config.inbox().enabled()) {
            resumer.open(connection, resume.since(),
                    plan -> welcome(connection, plan == null ? null : plan.recovered(), plan == null),
                    () -> registry.register(connection), () -> presenceManager.connectionOpened(connection));
        } else {
            connection.holdUntilFirstFrame(); // visible first, so a client with its welcome is reachable
            try {
                makeVisible(connection);
            } finally {
                connection.sendFirst(welcome(connection, null, false)); // still the first frame
            }
        }
    }

    private void makeVisible(Connection connection) {
        registry.register(connection);
        presenceManager.connectionOpened(connection);
    }

    private String welcome(Connection connection, Boolean recovered, boolean storedUnavailable) {
        return Frames.welcome(connection.id(), connection.user(), config.nodeId(), config.heartbeat().interval().toMillis(),
                connection.device(), recovered, storedUnavailable, connection.identity().expiresAtMillis() / 1000);
    }

    private static String first(List<String> values) {
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    @OnMessage
    public void text(Session session, String text) {
        SocketState state = SocketState.of(session);
        if (state == null) {
            return;
        }
        Connection connection = state.connection();
        long now = System.nanoTime();
        connection.touch(now);
        long bytes = TrafficCounters.utf8Length(text);
        traffic.bytesIn(bytes);
        if (bytes > config.connections().maxFrameBytes()) {
            traffic.error(ErrorCode.TOO_LARGE);
            connection.close(CloseCodes.MESSAGE_TOO_BIG, "frame larger than " + config.connections().maxFrameBytes() + " bytes");
            return;
        }
        if (connection.batches() && text.indexOf('\n') >= 0) {
            // several commands in one frame: each handled, limited and answered as if it came alone
            int start = 0;
            while (start <= text.length() && connection.isOpen()) {
                int end = text.indexOf('\n', start);
                if (end < 0) {
                    end = text.length();
                }
                if (end > start) {
                    admit(state, connection, text.substring(start, end), now);
                }
                start = end + 1;
            }
        } else {
            admit(state, connection, text, now);
        }
    }

    /** Runs one command within the connection's command budget. */
    private void admit(SocketState state, Connection connection, String command, long now) {
        switch (state.budget().admit(now)) {
            case ALLOW -> dispatcher.dispatch(connection, command);
            case REFUSE -> dispatcher.refuse(connection, command, ErrorCode.RATE_LIMITED, "More than "
                    + (long) config.limits().commandsPerSecond() + " commands per second; slow down");
            case CLOSE -> {
                // after the replies already queued, so the client sees its 429s before the 4003
                if (connection.closeAfterQueued(CloseCodes.TOO_MANY_COMMANDS, "too many commands")) {
                    LOG.info(() -> "Closing " + connection + ": it kept sending far over its command rate");
                }
            }
        }
    }

    @OnMessage
    public void binary(Session session, ByteBuffer data) {
        Connection connection = connection(session);
        if (connection != null) {
            connection.close(CloseCodes.UNSUPPORTED_DATA, "binary frames are not supported; send JSON text");
        }
    }

    @OnMessage
    public void pong(Session session, PongMessage pong) {
        Connection connection = connection(session);
        if (connection != null) {
            connection.touch(System.nanoTime());
        }
    }

    @OnClose
    public void close(Session session, CloseReason reason) {
        Connection connection = connection(session);
        if (connection != null) {
            connection.closedByPeer(reason.getCloseCode().getCode());
        }
    }

    @OnError
    public void error(Session session, Throwable failure) {
        Connection connection = connection(session);
        LOG.log(Level.FINE, failure, () -> "WebSocket error on " + connection);
        if (connection != null && !session.isOpen()) {
            connection.closedByPeer(CloseReason.CloseCodes.CLOSED_ABNORMALLY.getCode());
        }
    }

    /**
     * The close listener of every connection: this node forgets it at once, then the gateway does. It runs
     * on whichever thread closed the connection, possibly one fanning out to a room under that room's lock,
     * so leaving rooms (which takes room locks and talks to Redis) is handed to the managed executor.
     */
    private void closed(Connection connection, int code) {
        registry.closed(connection, code);
        presenceManager.connectionClosed(connection);
        if (!rooms.isInAnyRoom(connection)) {
            return; // most connections: no task, no context capture
        }
        try {
            executor.execute(() -> rooms.connectionClosed(connection));
        } catch (RejectedExecutionException e) {
            // shutting down: RedisNode removes this node from every room as it stops
            LOG.log(Level.FINE, "Room cleanup of {0} not scheduled: {1}", new Object[] {connection, e});
        }
    }

    private static Connection connection(Session session) {
        SocketState state = SocketState.of(session);
        return state == null ? null : state.connection();
    }
}
