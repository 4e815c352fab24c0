package org.tidegate.console.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A console whose port is taken at start listens as soon as the port is free (a real socket holds the port). */
@Timeout(30)
class ListenRetryTest {
    @TempDir
    Path home;

    @Test
    void aTakenPortIsTriedAgainUntilItIsFree() throws Exception {
        ServerSocket squatter = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"));
        int port = squatter.getLocalPort();
        ConsoleSettings settings = new ConsoleSettings("gw-test", home, true, port, List.of(), 60, 5, 1, null, null);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
        ConsoleServer server = new ConsoleServer(settings, new Sessions(60_000, System::currentTimeMillis),
                new LoginGuard(home, 5), "the-api-key", (x, user) -> x.json(200, Map.of("user", user)));
        AtomicInteger attempts = new AtomicInteger();
        CompletableFuture<List<String>> listening = new CompletableFuture<>();
        try {
            new ListenRetry(() -> {
                attempts.incrementAndGet();
                return server.start(pool);
            }, timer, 100, port, listening::complete).attempt(1);
            Thread.sleep(500);
            assertTrue(!listening.isDone() && attempts.get() >= 3, "tried again while taken: " + attempts);
            squatter.close();
            assertEquals(List.of("127.0.0.1:" + port), listening.get(10, TimeUnit.SECONDS));
            HttpURLConnection c = (HttpURLConnection) URI.create("http://127.0.0.1:" + port + "/api/status").toURL()
                    .openConnection();
            c.setRequestProperty("Authorization", "Bearer the-api-key");
            assertEquals(200, c.getResponseCode(), "the console answers on the freed port");
            int after = attempts.get();
            Thread.sleep(300);
            assertEquals(after, attempts.get(), "no attempt once listening");
        } finally {
            squatter.close();
            server.close();
            timer.shutdownNow();
            pool.shutdownNow();
        }
    }

    @Test
    void aStoppedConsoleStopsTrying() throws Exception {
        try (ServerSocket squatter = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
            AtomicInteger attempts = new AtomicInteger();
            new ListenRetry(() -> {
                attempts.incrementAndGet();
                throw new java.net.BindException("Address already in use");
            }, timer, 50, squatter.getLocalPort(), b -> { }).attempt(1);
            Thread.sleep(200);
            timer.shutdownNow();
            int stopped = attempts.get();
            Thread.sleep(200);
            assertEquals(stopped, attempts.get());
        }
    }
}
