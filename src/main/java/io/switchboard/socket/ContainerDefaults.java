package io.switchboard.socket;

import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.annotation.WebListener;
import jakarta.websocket.server.ServerContainer;
import java.util.logging.Logger;

/**
 * Sets the WebSocket container's defaults at deployment: no session idle timeout. The heartbeat decides
 * when a silent connection is dead; a negative default (not 0) also keeps Tyrus from scheduling an idle
 * timer, with a context capture on Payara's managed scheduler, for every new session before
 * {@link GatewayEndpoint} can switch it off (7% of a handshake's CPU).
 */
@WebListener
public class ContainerDefaults implements ServletContextListener {
    private static final Logger LOG = Logger.getLogger(ContainerDefaults.class.getName());

    @Override
    public void contextInitialized(ServletContextEvent event) {
        if (event.getServletContext().getAttribute(ServerContainer.class.getName()) instanceof ServerContainer container) {
            container.setDefaultMaxSessionIdleTimeout(-1);
        } else {
            LOG.warning("No WebSocket container in this servlet context; the session defaults stay the container's");
        }
    }
}
