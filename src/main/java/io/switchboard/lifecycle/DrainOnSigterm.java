package io.switchboard.lifecycle;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.logging.Level;
import java.util.logging.Logger;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * Drains the node ({@link NodeDrain}) on SIGTERM <em>before</em> the server starts to stop, then hands the
 * signal to the JVM's own handler (shutdown hooks: the server stops as it would have). WildFly suspends
 * first when it stops, and its suspend closes every WebSocket session with 1001 at once, before any
 * application code runs; only a handler ahead of the server's shutdown can tell clients to reconnect
 * elsewhere (1012), spread over the drain window, while readiness reports DOWN. A second SIGTERM during the
 * drain stops the server at once. Installed at start, the previous handler restored when the application
 * stops (undeploy, redeploy). The handler runs on the JVM's signal thread.
 */
@ApplicationScoped
public class DrainOnSigterm {
    private static final Logger LOG = Logger.getLogger(DrainOnSigterm.class.getName());
    private static final Signal TERM = new Signal("TERM");

    @Inject
    NodeDrain drain;

    private volatile SignalHandler previous;

    void install(@Observes @Initialized(ApplicationScoped.class) Object started) {
        try {
            previous = Signal.handle(TERM, this::terminate);
        } catch (IllegalArgumentException e) {
            // -Xrs, or the platform reserves the signal: the container's own shutdown drains (GracefulShutdown)
            LOG.warning("Cannot handle SIGTERM (" + e.getMessage() + "): the node drains only when the server "
                    + "stops the application");
        }
    }

    @PreDestroy
    void uninstall() {
        SignalHandler original = previous;
        if (original != null) {
            Signal.handle(TERM, original);
        }
    }

    private void terminate(Signal signal) {
        try {
            drain.drain();
        } catch (RuntimeException e) {
            // never swallow the signal: a failed drain must still let the server stop
            LOG.log(Level.SEVERE, "Drain on SIGTERM failed; stopping without it", e);
        }
        SignalHandler original = previous;
        if (original == SignalHandler.SIG_DFL || original == null) {
            // SIG_DFL cannot be invoked; the JVM's default for TERM is an orderly exit with 128 + 15
            System.exit(128 + signal.getNumber());
        } else if (original != SignalHandler.SIG_IGN) {
            original.handle(signal);
        }
    }
}
