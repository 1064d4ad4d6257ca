package io.switchboard.socket;

import io.switchboard.socket.deflate.DeflateSupport;
import jakarta.enterprise.inject.spi.CDI;
import jakarta.websocket.Extension;
import jakarta.websocket.server.ServerEndpointConfig;
import java.util.List;

/**
 * The client endpoint's configurator: adds Switchboard's permessage-deflate to the container's extension
 * negotiation (annotated endpoints get no installed extensions on Tyrus). The container creates it, not
 * CDI, so it looks {@link DeflateSupport} up on the first handshake. Runs on handshake threads.
 */
public class GatewayConfigurator extends ServerEndpointConfig.Configurator {
    private volatile DeflateSupport deflate;

    @Override
    public List<Extension> getNegotiatedExtensions(List<Extension> installed, List<Extension> requested) {
        return deflate().negotiate(super.getNegotiatedExtensions(installed, requested), requested);
    }

    private DeflateSupport deflate() {
        DeflateSupport support = deflate;
        if (support == null) {
            support = CDI.current().select(DeflateSupport.class).get();
            deflate = support;
        }
        return support;
    }
}
