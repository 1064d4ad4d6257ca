package io.switchboard.metrics;

import jakarta.inject.Inject;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * {@code GET /metrics} (under the application's context root): this node's figures in Prometheus text.
 * Open like the container's health endpoints: keep it off the public network (the shipped nginx allows
 * only {@code --monitor-allow}). Runs on request threads; scraping only reads counters.
 */
@WebServlet(urlPatterns = "/metrics")
public class MetricsServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    /** Prometheus text exposition, the format every scraper reads. */
    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    @Inject
    transient GatewayMetrics metrics;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        response.setContentType(CONTENT_TYPE);
        response.setHeader("Cache-Control", "no-store");
        metrics.scrape(response.getOutputStream());
    }
}
