package org.tidegate.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tidegate.core.testing.ExternalTools;
import org.tidegate.driver.serial.SerialSettings;
import org.tidegate.driver.serial.testing.SocatPair;

/** mbpoll (libmodbus, written by others) as a client of our simulator, over TCP and RTU. */
class MbpollPeerTest {
    private static final Pattern VALUE = Pattern.compile("\\[(\\d+)\\]:\\s+(-?[0-9.]+)");

    @Test
    void tcp() throws Exception {
        Assumptions.assumeTrue(ExternalTools.usable("mbpoll"));
        try (Simulator sim = new Simulator(1.0)) {
            int port = sim.startTcp("127.0.0.1", 0);
            String p = "" + port;
            // Radar level: hr 0-1 float32, high word first (-B); mbpoll references are 1-based.
            List<Double> level = values(mbpoll("-m", "tcp", "-p", p, "-a", "1", "-t", "4:float", "-B", "-r", "1", "-c", "1", "-1", "127.0.0.1"));
            assertEquals(1, level.size());
            assertTrue(level.get(0) > 1.1 && level.get(0) < 2.1, "level " + level);
            // Meter: three phase voltages, ir 0-5.
            List<Double> volts = values(mbpoll("-m", "tcp", "-p", p, "-a", "2", "-t", "3:float", "-B", "-r", "1", "-c", "3", "-1", "127.0.0.1"));
            assertEquals(3, volts.size());
            volts.forEach(v -> assertEquals(230.0, v, 5.0));
            // Write the meter's coil 0 (manual pump start) with FC 5.
            mbpoll("-m", "tcp", "-p", p, "-a", "2", "-t", "0", "-r", "1", "127.0.0.1", "1");
            assertTrue(sim.site().pumpOn());
        }
    }

    @Test
    void rtu(@TempDir Path dir) throws Exception {
        Assumptions.assumeTrue(ExternalTools.usable("mbpoll"));
        Assumptions.assumeTrue(ExternalTools.usable("socat"));
        try (SocatPair pair = SocatPair.start(dir); Simulator sim = new Simulator(1.0)) {
            sim.startRtu(SerialSettings.of(pair.endB().toString(), 19200));
            String out = mbpoll("-m", "rtu", "-b", "19200", "-P", "none", "-a", "3", "-t", "4", "-r", "3", "-c", "1", "-1",
                    pair.endA().toString());
            assertEquals(List.of(5.0), values(out), out);
            List<Double> level = values(mbpoll("-m", "rtu", "-b", "19200", "-P", "none", "-a", "1", "-t", "4:float", "-B",
                    "-r", "1", "-c", "1", "-1", pair.endA().toString()));
            assertTrue(level.get(0) > 1.1 && level.get(0) < 2.1, "level " + level);
        }
    }

    private static String mbpoll(String... args) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add("mbpoll");
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "mbpoll hung");
        String text = new String(out, StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), "mbpoll " + String.join(" ", args) + ":\n" + text);
        return text;
    }

    private static List<Double> values(String out) {
        List<Double> v = new ArrayList<>();
        Matcher m = VALUE.matcher(out);
        while (m.find()) {
            v.add(Double.parseDouble(m.group(2)));
        }
        return v;
    }
}
