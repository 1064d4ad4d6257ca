package io.switchboard.redis;

import io.switchboard.protocol.MessageId;
import io.switchboard.routing.Envelope;
import io.switchboard.routing.LocalDelivery;
import io.switchboard.routing.RoomEnvelope;
import io.switchboard.routing.RoomService;
import io.switchboard.routing.UserDisconnects;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * What each relayed message means for this node: frames for local connections (enqueued, never blocking),
 * the catch-up's record of relayed ids, disconnects, lapse notices. Runs on the subscriber thread, so
 * nothing here may wait for Redis: a kick, which writes room membership to Redis, is handed to the managed
 * executor (a kick is therefore not ordered with the room's messages: one published right after it may
 * still reach the kicked connection).
 */
@ApplicationScoped
class RelayDispatcher {
    private static final Logger LOG = Logger.getLogger(RelayDispatcher.class.getName());
    /** The id of a relayed non-stored envelope (its frame already carries the message id). */
    private static final String RELAYED = "relayed";

    @Inject
    LocalDelivery localDelivery;

    @Inject
    RelayCatchUp catchUp;

    @Inject
    RoomService roomService;

    @Inject
    UserDisconnects disconnects;

    @Inject
    ClusterMember member;

    @Resource
    ManagedExecutorService executor;

    /** Where kicks run; the managed executor (tests give their own). */
    Executor kicks;

    @PostConstruct
    void init() {
        kicks = executor;
    }

    /** Acts on one relayed message; {@code lapsed} runs for a lapse notice. Subscriber thread. */
    void dispatch(RelayCodec.Relayed relayed, Runnable lapsed) {
        List<String> targets = relayed.targets();
        switch (relayed.kind()) {
            case EVERYONE -> {
                if (!relayed.origin().equals(member.id())) {
                    localDelivery.deliver(Envelope.toEveryone(RELAYED, relayed.frame()));
                }
            }
            case USERS -> localDelivery.deliver(Envelope.toUsers(RELAYED, targets, relayed.frame()));
            case STORED -> {
                MessageId id = MessageId.parse(targets.get(0), "relay");
                catchUp.relayedDirect(targets.get(1), id);
                localDelivery.deliver(Envelope.stored(id, targets.subList(1, targets.size()), relayed.frame()));
            }
            case ROOM -> {
                MessageId id = targets.size() > 2 ? MessageId.parse(targets.get(2), "relay") : null;
                if (id != null) {
                    catchUp.relayedInRoom(targets.get(0), id);
                }
                localDelivery.deliver(new RoomEnvelope(null, targets.get(0),
                        targets.get(1).isEmpty() ? null : targets.get(1), relayed.frame(), id));
            }
            case KICK -> kick(targets.get(0), targets.get(1));
            case DISCONNECT -> disconnects.disconnectHere(targets.get(0), Integer.parseInt(targets.get(1)));
            case LAPSED -> lapsed.run();
        }
    }

    private void kick(String room, String user) {
        try {
            kicks.execute(() -> roomService.kickHere(room, user));
        } catch (RejectedExecutionException e) {
            LOG.log(Level.WARNING, "A relayed kick could not be run (executor refused it); the user stays in " + room
                    + " on this node until kicked again", e);
        }
    }
}
