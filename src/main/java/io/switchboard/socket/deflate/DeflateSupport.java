package io.switchboard.socket.deflate;

import io.switchboard.config.SwitchboardConfig;
import io.switchboard.metrics.TrafficCounters;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.websocket.Extension;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Logger;

/**
 * Decides once, at start, whether this node offers permessage-deflate: only when
 * {@code switchboard.deflate.enabled} is set and the container's WebSocket implementation is Tyrus (Payara,
 * GlassFish), whose extension SPI {@link PerMessageDeflate} is written against. Elsewhere it logs a warning
 * and leaves extension negotiation to the container (WildFly: Undertow's own per-message-deflate).
 * Negotiation itself runs on handshake threads and only reads.
 */
@ApplicationScoped
public class DeflateSupport {
    private static final Logger LOG = Logger.getLogger(DeflateSupport.class.getName());
    private static final String TYRUS_EXTENSION_SPI = "org.glassfish.tyrus.core.extension.ExtendedExtension";
    /** By name: loading it on a server without Tyrus would fail. */
    private static final String TYRUS_EXTENSION = DeflateSupport.class.getPackageName() + ".PerMessageDeflate";

    @Inject
    SwitchboardConfig config;

    @Inject
    TrafficCounters traffic;

    private Extension extension;

    @PostConstruct
    void start() {
        if (!config.deflate().enabled()) {
            return;
        }
        ClassLoader loader = DeflateSupport.class.getClassLoader();
        try {
            Class.forName(TYRUS_EXTENSION_SPI, false, loader);
        } catch (ClassNotFoundException | LinkageError e) {
            LOG.warning("switchboard.deflate.enabled is set, but this server's WebSocket implementation is not Tyrus: "
                    + "Switchboard offers no permessage-deflate here (enable the container's own)");
            return;
        }
        DeflateSettings settings = new DeflateSettings(config.deflate().thresholdBytes(), config.deflate().level(),
                config.connections().maxFrameBytes(), config.connections().sendThreads());
        try {
            extension = Class.forName(TYRUS_EXTENSION, true, loader).asSubclass(Extension.class)
                    .getConstructor(DeflateSettings.class, TrafficCounters.class).newInstance(settings, traffic);
        } catch (ReflectiveOperationException | LinkageError e) {
            throw new IllegalStateException("Cannot set up permessage-deflate on Tyrus", e);
        }
        LOG.info(() -> "permessage-deflate on: messages of " + settings.thresholdBytes() + " bytes and more, level "
                + settings.level() + ", no context takeover");
    }

    /**
     * The extensions to answer a handshake with: those the container chose, plus permessage-deflate if it
     * is available, the container did not choose it itself and the client made an acceptable offer.
     */
    public List<Extension> negotiate(List<Extension> containerChoice, List<Extension> requested) {
        if (extension == null || containerChoice.stream().anyMatch(e -> DeflateOffers.NAME.equals(e.getName()))
                || DeflateOffers.firstAcceptable(requested).isEmpty()) {
            return containerChoice;
        }
        List<Extension> negotiated = new ArrayList<>(containerChoice);
        negotiated.add(extension);
        return negotiated;
    }
}
