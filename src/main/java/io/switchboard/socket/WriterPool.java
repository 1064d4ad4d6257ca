package io.switchboard.socket;

import io.switchboard.config.SwitchboardConfig;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedThreadFactory;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The threads that write frames to sockets, {@code switchboard.send.threads} of them on managed threads.
 * Senders (WebSocket, HTTP, timer, Redis subscriber threads) only enqueue; a write that blocks on a
 * peer that stopped reading pins one of these threads until the heartbeat sweep cuts that connection
 * after {@code switchboard.send.timeout-ms}. Tasks are submitted to a plain executor over managed
 * threads, so no per-task context capture happens.
 */
@ApplicationScoped
public class WriterPool implements Executor {

    @Inject
    SwitchboardConfig config;

    @Resource
    ManagedThreadFactory threads;

    private ExecutorService executor;

    @PostConstruct
    void start() {
        int size = config.connections().sendThreads();
        executor = new ThreadPoolExecutor(size, size, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), threads);
        ((ThreadPoolExecutor) executor).allowCoreThreadTimeOut(true);
    }

    @Override
    public void execute(Runnable write) {
        executor.execute(write);
    }

    @PreDestroy
    void stop() {
        executor.shutdownNow();
    }
}
