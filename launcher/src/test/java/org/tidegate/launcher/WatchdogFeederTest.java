package org.tidegate.launcher;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The notify protocol on a real Unix datagram socket (bound by a Python peer, as systemd binds its own), and the
 * watchdog feeder's rule: WATCHDOG=1 only while the liveness verdict is empty.
 */
@Timeout(60)
class WatchdogFeederTest {
    @TempDir
    Path tmp;

    @Test
    void readyAndStatusArriveAsDatagramsOnTheNotifySocket() throws Exception {
        try (NotifyPeer peer = new NotifyPeer(tmp); SystemdNotifier n = new SystemdNotifier(peer.socket.toString())) {
            assertTrue(n.enabled());
            assertTrue(n.send("READY=1\nSTATUS=running: gateway gw-1"), n.lastError());
            assertTrue(n.send("WATCHDOG=1"), n.lastError());
            assertTrue(peer.await("READY=1|STATUS=running: gateway gw-1", 10), peer.messages.toString());
            assertTrue(peer.await("WATCHDOG=1", 10), peer.messages.toString());
        }
    }

    @Test
    void aMissingSocketIsAFailureWithItsReasonNotAnException() {
        try (SystemdNotifier n = new SystemdNotifier(tmp.resolve("nobody-listens").toString())) {
            assertFalse(n.send("READY=1"));
            assertTrue(n.lastError().startsWith("sendto "), n.lastError());
        }
        try (SystemdNotifier off = new SystemdNotifier(null)) {
            assertFalse(off.enabled());
            assertFalse(off.send("READY=1"));
        }
    }

    @Test
    void socketAddressesFollowSdNotify() {
        byte[] abs = SystemdNotifier.sockaddr("@sd");
        assertEquals(5, abs.length); // family (2) + NUL + "sd", no trailing NUL in the abstract namespace
        assertEquals(0, abs[2]);
        byte[] path = SystemdNotifier.sockaddr("/run/systemd/notify");
        assertEquals(2 + 19 + 1, path.length);
        assertArrayEquals("/run".getBytes(), java.util.Arrays.copyOfRange(path, 2, 6));
    }

    @Test
    void theIntervalIsAThirdOfWatchdogUsecAndOnlyForThisProcess() {
        assertEquals(Duration.ofSeconds(20), WatchdogFeeder.interval("60000000", null, 42));
        assertEquals(Duration.ofSeconds(20), WatchdogFeeder.interval("60000000", "42", 42));
        assertNull(WatchdogFeeder.interval("60000000", "41", 42));
        assertNull(WatchdogFeeder.interval(null, null, 42));
        assertNull(WatchdogFeeder.interval("0", null, 42));
    }

    @Test
    void feedingStopsWhileAThreadIsLateAndResumesWhenItIsBack() throws Exception {
        AtomicReference<String> verdict = new AtomicReference<>("");
        try (NotifyPeer peer = new NotifyPeer(tmp); SystemdNotifier n = new SystemdNotifier(peer.socket.toString());
             WatchdogFeeder f = new WatchdogFeeder(n, verdict::get, Duration.ofMillis(100)).start()) {
            assertTrue(peer.await("WATCHDOG=1", 10));
            Thread.sleep(500);
            verdict.set("uplink silent for 61 s (limit 60 s)");
            assertTrue(peer.await("STATUS=watchdog not fed: uplink silent for 61 s (limit 60 s)", 10), peer.messages.toString());
            Thread.sleep(300); // a datagram sent before the change may still be on its way
            long fedWhileLate = peer.count("WATCHDOG=1");
            Thread.sleep(1000); // ten ticks
            assertEquals(fedWhileLate, peer.count("WATCHDOG=1"), "fed while the uplink was late");
            assertTrue(f.withheld() >= 5, "ticks withheld: " + f.withheld());
            verdict.set(null); // no registry at all counts as late too
            Thread.sleep(500);
            assertEquals(fedWhileLate, peer.count("WATCHDOG=1"), "fed without a liveness registry");
            verdict.set("");
            assertTrue(peer.await("STATUS=running", 10));
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (peer.count("WATCHDOG=1") <= fedWhileLate && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertTrue(peer.count("WATCHDOG=1") > fedWhileLate, "feeding did not resume");
        }
    }
}
