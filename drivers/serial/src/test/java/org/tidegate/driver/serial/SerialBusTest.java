package org.tidegate.driver.serial;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tidegate.core.testing.ExternalTools;
import org.tidegate.driver.serial.testing.SocatPair;

class SerialBusTest {

    @Test
    void registryHandsOutOneBusPerPortAndRefusesOtherSettings() {
        SerialBuses reg = new SerialBuses();
        SerialBus a = reg.acquire(SerialSettings.of("/dev/ttyX", 9600), 1000);
        SerialBus b = reg.acquire(SerialSettings.of("/dev/ttyX", 9600), 1000);
        assertSame(a, b);
        assertEquals(2, reg.users("/dev/ttyX"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> reg.acquire(SerialSettings.of("/dev/ttyX", 19200), 1000));
        assertTrue(e.getMessage().contains("already in use"), e.getMessage());
        reg.release(a);
        reg.release(b);
        assertEquals(0, reg.users("/dev/ttyX"));
    }

    @Test
    void missingPortBacksOffInsteadOfRetryingEveryCall(@TempDir Path dir) {
        SerialBus bus = new SerialBus(SerialSettings.of(dir.resolve("none").toString(), 9600), 1000);
        IOException first = assertThrows(SerialBus.UnavailableException.class, () -> bus.exchange(l -> 1));
        assertTrue(first.getMessage().contains("does not exist"), first.getMessage());
        IOException second = assertThrows(SerialBus.UnavailableException.class, () -> bus.exchange(l -> 1));
        assertTrue(second.getMessage().contains("next attempt in"), second.getMessage());
    }

    @Test
    void exchangesNeverInterleaveAndTheLineReopensAfterAFailure(@TempDir Path dir) throws Exception {
        Assumptions.assumeTrue(ExternalTools.usable("socat"));
        try (SocatPair pair = SocatPair.start(dir);
             SerialLine peer = SerialPorts.open(SerialSettings.of(pair.endB().toString(), 115200));
             SerialBus bus = new SerialBus(SerialSettings.of(pair.endA().toString(), 115200), 200)) {
            AtomicInteger inside = new AtomicInteger();
            List<String> overlaps = Collections.synchronizedList(new ArrayList<>());
            List<Thread> users = new ArrayList<>();
            for (int u = 0; u < 3; u++) {
                byte tag = (byte) u;
                Thread t = new Thread(() -> {
                    for (int i = 0; i < 50; i++) {
                        try {
                            bus.exchange(line -> {
                                if (inside.incrementAndGet() != 1) {
                                    overlaps.add("two users at once");
                                }
                                line.write(new byte[] {tag, tag});
                                inside.decrementAndGet();
                                return null;
                            });
                        } catch (IOException e) {
                            overlaps.add(e.getMessage());
                        }
                    }
                });
                users.add(t);
                t.start();
            }
            byte[] got = new byte[300];
            int n = 0;
            long deadline = System.currentTimeMillis() + 10_000;
            while (n < 300 && System.currentTimeMillis() < deadline) {
                n += peer.read(got, n, 300 - n, 200);
            }
            for (Thread t : users) {
                t.join(10_000);
            }
            assertEquals(List.of(), overlaps);
            assertEquals(300, n);
            for (int i = 0; i < 300; i += 2) {
                assertEquals(got[i], got[i + 1], "bytes of one exchange stay together");
            }

            // An exchange that fails with an I/O error closes the line; the next one reopens it.
            assertThrows(IOException.class, () -> bus.exchange(line -> {
                throw new IOException("simulated failure");
            }));
            assertEquals("ok", bus.exchange(line -> {
                line.write(new byte[] {7});
                return "ok";
            }));
            assertEquals(1, peer.read(got, 0, 1, 2000));
            assertEquals(7, got[0]);
        }
    }
}
