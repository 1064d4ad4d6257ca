package io.switchboard.api;

import io.switchboard.config.SwitchboardConfig;
import io.switchboard.protocol.ErrorCode;
import jakarta.inject.Inject;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * Serves the demo chat ({@code /}, {@code /index.html}, {@code /demo/*}) only while the dev token endpoint
 * is on: it signs anyone in as anyone, so a production node answers 404 there. {@code /switchboard.js},
 * the client library, is always served. Runs on container HTTP threads.
 */
@WebFilter(urlPatterns = {"", "/index.html", "/demo/*"})
public class DemoPageFilter extends HttpFilter {
    private static final long serialVersionUID = 1L;

    @Inject
    transient SwitchboardConfig config;

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if (config.auth().devTokensEnabled()) {
            chain.doFilter(request, response);
            return;
        }
        ServletProblems.write(response, ErrorCode.NOT_FOUND,
                "The demo page is served only with switchboard.dev.tokens.enabled=true");
    }
}
