package io.switchboard.redis.relay;

import io.switchboard.protocol.MessageId;
import io.switchboard.redis.client.ClusterMember;
import io.switchboard.routing.BrokerEventHandler;
import io.switchboard.routing.Envelope;
import io.switchboard.routing.RoomEnvelope;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;

/**
 * What each relayed message means for this node: the catch-up's record of relayed ids, then the core's inbound
 * port ({@link BrokerEventHandler}: frames for local connections, kicks, disconnects); a lapse notice runs
 * the subscriber's {@code lapsed}. Runs on the subscriber thread; the port never waits (it only queues
 * frames, and hands kicks to an executor).
 */
@ApplicationScoped
class RelayDispatcher {
    /** The id of a relayed non-stored envelope (its frame already carries the message id). */
    private static final String RELAYED = "relayed";

    @Inject
    BrokerEventHandler events;

    @Inject
    RelayCatchUp catchUp;

    @Inject
    ClusterMember member;

    /** Acts on one relayed message; {@code lapsed} runs for a lapse notice. Subscriber thread. */
    void dispatch(RelayCodec.Relayed relayed, Runnable lapsed) {
        List<String> targets = relayed.targets();
        switch (relayed.kind()) {
            case EVERYONE -> {
                if (!relayed.origin().equals(member.id())) {
                    events.everyone(Envelope.toEveryone(RELAYED, relayed.frame()));
                }
            }
            case USERS -> events.direct(Envelope.toUsers(RELAYED, targets, relayed.frame()));
            case STORED -> {
                MessageId id = MessageId.parse(targets.get(0), "relay");
                catchUp.relayedDirect(targets.get(1), id);
                events.direct(Envelope.stored(id, targets.subList(1, targets.size()), relayed.frame()));
            }
            case ROOM -> {
                MessageId id = targets.size() > 2 ? MessageId.parse(targets.get(2), "relay") : null;
                if (id != null) {
                    catchUp.relayedInRoom(targets.get(0), id);
                }
                events.room(new RoomEnvelope(null, targets.get(0),
                        targets.get(1).isEmpty() ? null : targets.get(1), relayed.frame(), id));
            }
            case KICK -> events.kick(targets.get(0), targets.get(1));
            case DISCONNECT -> events.disconnect(targets.get(0), Integer.parseInt(targets.get(1)));
            case LAPSED -> lapsed.run();
        }
    }
}
