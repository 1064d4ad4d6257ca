package io.switchboard.api;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;

/** The backend HTTP API under {@code /api}; resources and providers are discovered by the container. */
@ApplicationPath("/api")
public class SwitchboardApi extends Application {
}
