package io.switchboard.config;

import java.util.function.Supplier;

/**
 * Runs code with this application's class loader as the thread's context class loader. MicroProfile
 * Config finds the WAR's own settings ({@code META-INF/microprofile-config.properties}) through it, and
 * threads of other modules that call into the application (Payara's {@code /health} endpoint) carry their
 * own: a bean created on such a thread would get the server's defaults instead of the WAR's.
 */
public final class ApplicationClassLoader {

    private ApplicationClassLoader() {
    }

    public static <T> T call(Supplier<T> code) {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(ApplicationClassLoader.class.getClassLoader());
        try {
            return code.get();
        } finally {
            thread.setContextClassLoader(previous);
        }
    }
}
