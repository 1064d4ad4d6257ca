package io.switchboard.socket;

import io.switchboard.config.SwitchboardConfig;
import io.switchboard.connection.Connection;
import io.switchboard.inbox.Inbox;
import io.switchboard.limits.StorageQuota;
import io.switchboard.metrics.TrafficCounters;
import io.switchboard.protocol.ClientCommand;
import io.switchboard.protocol.CloseCodes;
import io.switchboard.protocol.CommandDecoder;
import io.switchboard.protocol.ErrorCode;
import io.switchboard.protocol.Frames;
import io.switchboard.protocol.JsonFields;
import io.switchboard.protocol.ProtocolException;
import io.switchboard.routing.FanOutReport;
import io.switchboard.routing.MessageRouter;
import io.switchboard.routing.RoomPage;
import io.switchboard.routing.RoomService;
import io.switchboard.routing.RoomSnapshot;
import io.switchboard.security.Identity;
import io.switchboard.security.InvalidTokenException;
import io.switchboard.security.RoomPolicy;
import io.switchboard.security.TokenVerifier;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonNumber;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Decodes a client's text frame, runs the command through the router and answers the sender with an
 * ack, pong or error frame. Runs on the connection's WebSocket thread (one frame at a time per
 * connection); only enqueues frames, never waits on a socket or on a send queue. A stored direct message
 * does not wait for Redis either: its ack is queued by the thread that completes the store (a Redis
 * pipeline lane). Other commands may make synchronous Redis calls in a cluster (room scripts, queries,
 * a cursor write, the first page of a join's history), each bounded by {@code switchboard.redis.timeout-ms};
 * a history longer than a page goes on off this thread ({@link io.switchboard.inbox.StreamReplay}). A bad
 * frame is answered with an error and the connection stays open.
 */
@ApplicationScoped
public class CommandDispatcher {
    private static final Logger LOG = Logger.getLogger(CommandDispatcher.class.getName());
    /** Messages a {@code history} request returns without a {@code limit}. */
    private static final int DEFAULT_HISTORY = 50;

    @Inject
    SwitchboardConfig config;

    @Inject
    MessageRouter router;

    @Inject
    RoomService rooms;

    @Inject
    RoomPolicy roomPolicy;

    @Inject
    Inbox inbox;

    @Inject
    TokenVerifier verifier;

    @Inject
    TrafficCounters traffic;

    @Inject
    StorageQuota quota;

    private CommandDecoder decoder;

    @PostConstruct
    void init() {
        decoder = new CommandDecoder(config.connections().maxRecipients());
    }

    public void dispatch(Connection sender, String text) {
        ClientCommand command;
        try {
            command = decoder.decode(text);
        } catch (ProtocolException e) {
            traffic.frameIn("invalid");
            replyError(sender, e.code(), e.getMessage(), e.requestId());
            return;
        } catch (RuntimeException e) {
            // a frame the decoder did not foresee: still answered, and logged as the bug it is
            LOG.log(Level.SEVERE, "Decoding a frame from " + sender + " failed", e);
            traffic.frameIn("invalid");
            replyError(sender, ErrorCode.INTERNAL, "Internal error", null);
            return;
        }
        traffic.frameIn(command.type());
        try {
            String reply = execute(sender, command, text.length());
            if (reply != null) {
                sender.send(reply);
            }
        } catch (ProtocolException e) {
            replyError(sender, e.code(), e.getMessage(), command.id(), e.retryAfterMillis());
        } catch (RuntimeException e) {
            LOG.log(Level.SEVERE, "Command from " + sender + " failed", e);
            replyError(sender, ErrorCode.INTERNAL, "Internal error", command.id());
        }
    }

    /** Answers a command that is not run (rate limit) with an error, echoing its id if it has a readable one. */
    public void refuse(Connection sender, String text, ErrorCode code, String message) {
        traffic.frameIn("refused");
        JsonValue id = null;
        try {
            JsonValue candidate = JsonFields.parseObject(text).get("id");
            if (candidate instanceof JsonString || candidate instanceof JsonNumber) {
                id = candidate;
            }
        } catch (ProtocolException e) {
            // no id to echo
        }
        replyError(sender, code, message, id);
    }

    private void replyError(Connection sender, ErrorCode code, String message, JsonValue requestId) {
        replyError(sender, code, message, requestId, -1);
    }

    private void replyError(Connection sender, ErrorCode code, String message, JsonValue requestId, long retryAfterMillis) {
        traffic.error(code);
        sender.send(Frames.error(code, message, requestId, retryAfterMillis));
    }

    /**
     * Sends without waiting for the store: the ack (or error) is queued when Redis answers, on the thread
     * that completes the stage (a Redis pipeline lane; this one on a single node), while this socket thread
     * goes on with the connection's next frame. Acks of one connection's messages keep their order.
     */
    private void sendMessage(Connection sender, ClientCommand.SendMessage message, int frameLength) {
        boolean stored = router.stores(message.store());
        if (stored) {
            quota.charge(sender.identity(), message.to().size(), frameLength, System.nanoTime());
        }
        router.sendDirect(sender.user(), message.to(), message.content(), stored, null, stored && config.inbox().knownRecipientsOnly())
                .whenComplete((report, error) -> {
            if (error == null) {
                sender.send(Frames.messageAck(message.id(), report.messageId(), report.delivered(), report.offline(),
                        report.undelivered(), report.unknown(), report.relayUnavailable()));
                return;
            }
            Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
            if (cause instanceof ProtocolException refused) {
                replyError(sender, refused.code(), refused.getMessage(), message.id(), refused.retryAfterMillis());
            } else {
                LOG.log(Level.SEVERE, "Message from " + sender + " failed", cause);
                replyError(sender, ErrorCode.INTERNAL, "Internal error", message.id());
            }
        });
    }

    /** Joins; with {@code since}, the reply is followed by the missed room messages, then live ones. */
    private void join(Connection sender, ClientCommand.Join join) {
        checkMayJoin(sender, join.room());
        RoomService.JoinedRoom joined = rooms.join(sender, join.room(), join.since());
        RoomSnapshot room = joined.snapshot();
        sender.send(Frames.joined(join.id(), room.room(), room.members(), room.users(), joined.recovered()));
        rooms.replayHistory(sender, joined);
    }

    /**
     * In-band token refresh: a valid token of the same user replaces the connection's; a bad one is refused
     * (the connection goes on with its current token); another user's closes the connection.
     */
    private String authenticate(Connection sender, ClientCommand.Authenticate auth) {
        Identity fresh;
        try {
            fresh = verifier.verify(auth.token());
        } catch (InvalidTokenException e) {
            throw new ProtocolException(ErrorCode.UNAUTHORIZED, e.getMessage());
        }
        if (!fresh.user().equals(sender.user())) {
            LOG.info(() -> "Closing " + sender + ": it presented a token of another user");
            replyError(sender, ErrorCode.USER_MISMATCH, "The token is for another user; closing the connection", auth.id());
            sender.closeAfterQueued(CloseCodes.USER_MISMATCH, "token of another user");
            return null;
        }
        sender.reauthenticate(fresh);
        return Frames.authenticated(auth.id(), fresh.expiresAtMillis() / 1000);
    }

    private void checkMayJoin(Connection sender, String room) {
        if (!roomPolicy.mayJoin(sender.identity(), room)) {
            throw new ProtocolException(ErrorCode.FORBIDDEN, "The token does not allow joining room '" + room + "'");
        }
    }

    /**
     * Runs one command; returns its reply, or null when the handler answers by itself (a stored message's ack
     * when Redis answered, a join's reply before the history that follows it). A switch expression over the
     * command's type, without a default: a new command type does not compile until it is handled here.
     */
    private String execute(Connection sender, ClientCommand command, int frameLength) {
        return switch (command.kind()) {
            case MESSAGE -> {
                sendMessage(sender, (ClientCommand.SendMessage) command, frameLength);
                yield null;
            }
            case JOIN -> {
                join(sender, (ClientCommand.Join) command); // its reply must go out between hold-back and history
                yield null;
            }
            case AUTH -> authenticate(sender, (ClientCommand.Authenticate) command);
            case PING -> Frames.pong(command.id(), System.currentTimeMillis());
            case BROADCAST -> broadcast(sender, (ClientCommand.Broadcast) command);
            case ACK -> acknowledge(sender, (ClientCommand.Acknowledge) command);
            case HISTORY -> history(sender, (ClientCommand.History) command);
            case ROOMS -> listRooms(sender, (ClientCommand.ListRooms) command);
            case LEAVE -> leave(sender, (ClientCommand.Leave) command);
            case PUBLISH -> publish(sender, (ClientCommand.Publish) command, frameLength);
        };
    }

    private String broadcast(Connection sender, ClientCommand.Broadcast broadcast) {
        if (!sender.identity().inGroup(config.broadcastGroup())) {
            throw new ProtocolException(ErrorCode.FORBIDDEN,
                    "Broadcast needs group '" + config.broadcastGroup() + "' in the token");
        }
        FanOutReport report = router.broadcast(sender.user(), broadcast.content());
        return Frames.fanOutAck(broadcast.id(), report.messageId(), report.connections(), report.relayUnavailable());
    }

    private String acknowledge(Connection sender, ClientCommand.Acknowledge ack) {
        inbox.saveCursor(sender.user(), sender.device(), ack.upTo());
        return Frames.acked(ack.id(), ack.upTo());
    }

    private String history(Connection sender, ClientCommand.History history) {
        checkMayJoin(sender, history.room());
        RoomService.History found = rooms.history(history.room(), history.since(), history.limit().orElse(DEFAULT_HISTORY));
        return Frames.history(history.id(), history.room(), found.frames(), found.recovered());
    }

    /** The page of rooms, with only those the token may join listed. */
    private String listRooms(Connection sender, ClientCommand.ListRooms list) {
        RoomPage page = rooms.rooms(list.after().orElse(null), list.limit());
        Map<String, Integer> visible = new LinkedHashMap<>();
        for (RoomPage.Entry entry : page.rooms()) {
            if (roomPolicy.mayJoin(sender.identity(), entry.room())) {
                visible.put(entry.room(), entry.members());
            }
        }
        return Frames.rooms(list.id(), visible, page.next());
    }

    private String leave(Connection sender, ClientCommand.Leave leave) {
        rooms.leave(sender, leave.room());
        return Frames.left(leave.id(), leave.room(), null);
    }

    private String publish(Connection sender, ClientCommand.Publish publish, int frameLength) {
        if (!roomPolicy.mayPublish(sender.identity(), publish.room())) {
            throw new ProtocolException(ErrorCode.FORBIDDEN,
                    "The token does not allow publishing to room '" + publish.room() + "'");
        }
        quota.charge(sender.identity(), 1, frameLength, System.nanoTime()); // the room's history keeps one copy
        FanOutReport report = rooms.publish(sender.user(), publish.room(), publish.content(), sender, publish.echo());
        return Frames.fanOutAck(publish.id(), report.messageId(), report.connections(), report.relayUnavailable());
    }
}
