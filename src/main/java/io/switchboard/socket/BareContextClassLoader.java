package io.switchboard.socket;

import jakarta.enterprise.context.ApplicationScoped;

/**
 * Runs WebSocket sends with a context class loader that sees only the JDK.
 *
 * <p>Why: Tyrus (as bundled in Payara 6) schedules an idle-timeout task on its managed scheduled executor
 * for <em>every</em> send, and Payara captures the submitting thread's context for each task by running a
 * {@code ServiceLoader} lookup over the context class loader, i.e. a scan of every jar of the server and
 * the WAR. Measured with the benchmark tool, that scan was ~44% of the server's CPU per delivered frame
 * (src/docs/benchmarks.md). With this loader as context class loader the lookup only consults the JDK's
 * module image. The scheduled task is Tyrus' idle-timeout check, which is inert here (max idle timeout 0:
 * the heartbeat decides liveness) and loads no application classes. On other servers this is harmless.
 */
@ApplicationScoped
public class BareContextClassLoader {
    private final ClassLoader jdkOnly = new JdkOnlyLoader();

    /** Runs {@code action} on this thread with the JDK-only context class loader, restoring the previous one. */
    public void run(Runnable action) {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(jdkOnly);
        try {
            action.run();
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    /** A loader with no class path of its own whose parent is the bootstrap loader. */
    private static final class JdkOnlyLoader extends ClassLoader {
        JdkOnlyLoader() {
            super("switchboard-jdk-only", null);
        }
    }
}
