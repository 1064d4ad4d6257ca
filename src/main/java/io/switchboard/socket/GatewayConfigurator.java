package io.switchboard.socket;

import io.switchboard.socket.deflate.DeflateSupport;
import jakarta.enterprise.inject.spi.CDI;
import jakarta.websocket.Extension;
import jakarta.websocket.server.ServerEndpointConfig;
import java.util.List;

/**
 * The client endpoint's configurator: adds Switchboard's permessage-deflate to the container's extension
 * negotiation (annotated endpoints get no installed extensions on Tyrus), and hands every connection the
 * same {@link GatewayEndpoint}. The container creates it, not CDI, so it looks its beans up on the first
 * handshake. Runs on handshake threads.
 */
public class GatewayConfigurator extends ServerEndpointConfig.Configurator {
    private volatile DeflateSupport deflate;
    private volatile GatewayEndpoint endpoint;

    /**
     * One endpoint for all connections (it keeps per-connection state in the session, none in fields). The
     * default creates and injects one per connection: on Payara a quarter of a handshake's CPU went to
     * building a CDI injection target and looking up its {@code @Resource} each time.
     */
    @Override
    public <T> T getEndpointInstance(Class<T> endpointClass) throws InstantiationException {
        if (endpointClass != GatewayEndpoint.class) {
            return super.getEndpointInstance(endpointClass);
        }
        GatewayEndpoint shared = endpoint;
        if (shared == null) {
            shared = CDI.current().select(GatewayEndpoint.class).get();
            endpoint = shared;
        }
        return endpointClass.cast(shared);
    }

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
