package org.tidegate.console.internal;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.tinylog.Logger;

/**
 * Starts the console's server now and, while its port is taken (a process still going away at boot, another
 * service), again every {@code retryMs}, so that a cabinet is not left without its console for good. The first
 * failure is logged as an error, later ones every {@value #LOG_EVERY}th attempt, so that the log stays bounded.
 * Stops trying when the scheduler is shut down (the console deactivated).
 */
final class ListenRetry {
    static final int LOG_EVERY = 20;

    /** Binds and starts the server; returns the addresses it listens on. */
    interface Bind {
        List<String> start() throws IOException;
    }

    private final Bind bind;
    private final ScheduledExecutorService timer;
    private final long retryMs;
    private final int port;
    private final Consumer<List<String>> listening;

    ListenRetry(Bind bind, ScheduledExecutorService timer, long retryMs, int port, Consumer<List<String>> listening) {
        this.bind = bind;
        this.timer = timer;
        this.retryMs = retryMs;
        this.port = port;
        this.listening = listening;
    }

    /** Tries now; on failure schedules the next attempt. */
    void attempt(int n) {
        List<String> bound;
        try {
            bound = bind.start();
        } catch (IOException e) {
            if (n == 1 || n % LOG_EVERY == 0) {
                Logger.error("console: not started on port {}: {}; tidegate status cannot reach the gateway until it"
                        + " is; trying again every {} s (attempt {})", port, e.getMessage(), retryMs / 1000, n);
            }
            try {
                timer.schedule(() -> attempt(n + 1), retryMs, TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException deactivated) {
                // the console stopped meanwhile: nothing to listen for
            }
            return;
        }
        listening.accept(bound);
        if (n > 1) {
            Logger.info("console: port {} free again after {} attempts", port, n);
        }
    }
}
