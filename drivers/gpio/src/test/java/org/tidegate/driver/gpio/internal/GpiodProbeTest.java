package org.tidegate.driver.gpio.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What this amd64 build host can show of real GPIO: the natives for both board architectures are on the driver's
 * class path, an unsupported architecture and a missing chip are each one clear sentence, and chips are listed.
 * Loading the aarch64 natives and libgpiod refusing a non-chip run under emulation in deploy-arm/test-arm64.sh.
 */
class GpiodProbeTest {
    @Test
    void theNativesForBothBoardArchitecturesAreThere() {
        for (String arch : GpiodProbe.ARCHITECTURES) {
            for (String lib : new String[] {"libgpiod.so", "libpi4j-gpiod.so"}) {
                assertNotNull(GpiodProbe.class.getResource("/lib/" + arch + "/pi4j-gpiod/" + lib), arch + "/" + lib);
            }
        }
    }

    @Test
    void anArchitectureWithoutNativesIsNamed() {
        String problem = GpiodProbe.loadNatives("amd64");
        assertEquals("Pi4J's gpiod plugin has native libraries for [aarch64, armhf] only, and this JVM is amd64"
                + " (real GPIO needs a Raspberry Pi OS / Debian arm64 or armhf board)", problem);
    }

    @Test
    void noChipIsTheProblemNamedFirst(@TempDir Path dev) {
        GpiodProbe.Report r = GpiodProbe.probe(dev);
        assertFalse(r.usable());
        assertTrue(r.chips().isEmpty());
        assertTrue(r.problem(dev).startsWith("no GPIO chip under " + dev + " (no /dev/gpiochip*)"), r.problem(dev));
    }

    @Test
    void chipsAreListedAndNotOpenedWithoutTheirNatives(@TempDir Path dev) throws Exception {
        Files.createFile(dev.resolve("gpiochip1"));
        Files.createFile(dev.resolve("gpiochip0"));
        GpiodProbe.Report r = GpiodProbe.probe(dev);
        assertEquals(2, r.chips().size());
        assertEquals(dev.resolve("gpiochip0"), r.chips().get(0).device());
        if (!GpiodProbe.ARCHITECTURES.contains(GpiodProbe.architecture())) {
            assertFalse(r.usable());
            assertEquals(r.nativeProblem(), r.problem(dev));
        }
    }
}
