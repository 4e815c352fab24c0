package org.tidegate.core.poll;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Shared poll threads: few threads for many devices, and a blocked device never stops the others. */
class PollSchedulerTest {

    @Test
    void twentyDevicesShareAFewThreads() throws Exception {
        PollThreads threads = new PollThreads();
        Set<String> names = ConcurrentHashMap.newKeySet();
        AtomicInteger polls = new AtomicInteger();
        List<PollScheduler> devices = new ArrayList<>();
        try {
            for (int d = 0; d < 20; d++) {
                devices.add(PollScheduler.start("d" + d, Duration.ofMillis(20), () -> {
                    names.add(Thread.currentThread().getName());
                    polls.incrementAndGet();
                }, org.tidegate.core.health.Heartbeat.NONE, threads));
            }
            awaitAtLeast(polls, 20 * 10, "ten polls per device");
            assertTrue(names.size() < 20, "20 devices polled on " + names.size() + " threads: " + names);
        } finally {
            devices.forEach(PollScheduler::close);
            threads.shutdown();
        }
    }

    @Test
    void devicesBlockedInAPollDoNotStopTheOthersAndAStoppedDeviceStopsPolling() throws Exception {
        PollThreads threads = new PollThreads();
        CountDownLatch release = new CountDownLatch(1);
        List<PollScheduler> devices = new ArrayList<>();
        AtomicInteger healthy = new AtomicInteger();
        try {
            // More dead devices than the pool starts with: each holds a worker until released.
            for (int d = 0; d < PollThreads.BASE_WORKERS + 2; d++) {
                devices.add(PollScheduler.start("dead" + d, Duration.ofMillis(10), () -> {
                    try {
                        release.await(30, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }, org.tidegate.core.health.Heartbeat.NONE, threads));
            }
            PollScheduler alive = PollScheduler.start("alive", Duration.ofMillis(10), healthy::incrementAndGet,
                    org.tidegate.core.health.Heartbeat.NONE, threads);
            devices.add(alive);
            awaitAtLeast(healthy, 20, "the healthy device keeps polling while the dead ones block their workers");
            assertTrue(threads.workerThreads() > PollThreads.BASE_WORKERS, "the pool grew: " + threads.workerThreads());
            release.countDown();
            alive.close();
            int after = healthy.get();
            Thread.sleep(100);
            assertEquals(after, healthy.get(), "no poll after close");
            assertTrue(alive.skippedTicks() >= 0);
        } finally {
            release.countDown();
            devices.forEach(PollScheduler::close);
            threads.shutdown();
        }
    }

    @Test
    void anOverrunningPollSkipsTheTicksItCoveredInsteadOfCatchingUp() throws Exception {
        PollThreads threads = new PollThreads();
        AtomicInteger polls = new AtomicInteger();
        PollScheduler s = PollScheduler.start("slow", Duration.ofMillis(10), () -> {
            if (polls.incrementAndGet() == 1) {
                try {
                    Thread.sleep(200); // covers ~20 ticks
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }, org.tidegate.core.health.Heartbeat.NONE, threads);
        try {
            awaitAtLeast(polls, 3, "polls after the slow one");
            assertTrue(s.skippedTicks() >= 15, "skipped " + s.skippedTicks());
        } finally {
            s.close();
            threads.shutdown();
        }
    }

    private static void awaitAtLeast(AtomicInteger n, int atLeast, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (n.get() < atLeast && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertTrue(n.get() >= atLeast, what + ": " + n.get() + " of " + atLeast);
    }
}
