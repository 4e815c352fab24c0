package org.tidegate.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.tidegate.core.cli.CommandLines;
import org.tidegate.core.cli.PicocliCommand;
import org.tidegate.core.driver.ChannelReading;
import org.tidegate.core.driver.DeviceSession;
import org.tidegate.core.model.Channel;
import org.tidegate.core.model.DataType;
import org.tidegate.core.model.Device;
import org.tidegate.driver.modbus.ModbusDriver;

class SimulateCommandTest {

    private static PicocliCommand simulate() {
        return ServiceLoader.load(PicocliCommand.class).stream().map(ServiceLoader.Provider::get)
                .filter(s -> s.getClass().getAnnotation(picocli.CommandLine.Command.class).name().equals("simulate"))
                .findFirst().orElseThrow();
    }

    @Test
    void servesModbusTcpForTheGivenDuration() throws Exception {
        PipedInputStream pin = new PipedInputStream(1 << 16);
        PrintStream out = new PrintStream(new PipedOutputStream(pin), true, StandardCharsets.UTF_8);
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> {
            try {
                return CommandLines.execute(simulate(), List.of("--tcp-port", "0", "--duration", "3s", "--speed", "60", "--scenario", "flood"),
                        out, new PrintStream(err));
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        java.io.BufferedReader r = new java.io.BufferedReader(new java.io.InputStreamReader(pin, StandardCharsets.UTF_8));
        String first = r.readLine();
        Matcher m = Pattern.compile("Modbus TCP on 127\\.0\\.0\\.1:(\\d+)").matcher(first);
        assertTrue(m.find(), first);
        int port = Integer.parseInt(m.group(1));
        Channel level = Channel.of("level", "hr:0", DataType.FLOAT32, "m");
        Device d = Profiles.device("wl", Map.of("transport", "tcp", "host", "127.0.0.1", "port", port, "unit", 1),
                Duration.ofSeconds(1), Duration.ofSeconds(1), 1, List.of(level));
        try (ModbusDriver driver = new ModbusDriver(); DeviceSession s = driver.open(d)) {
            ChannelReading a = s.read(List.of(level)).get(0);
            assertTrue(a.ok(), a.detail());
            Thread.sleep(1000);
            // Speed 60 in a flood: one real second raises the level by 0.03 m.
            double rise = (Double) s.read(List.of(level)).get(0).raw() - (Double) a.raw();
            assertTrue(rise > 0.015 && rise < 0.06, "rise " + rise);
        }
        Thread drain = new Thread(() -> {
            try {
                while (r.readLine() != null) {
                    // discard
                }
            } catch (java.io.IOException ignored) {
                // closed
            }
        });
        drain.setDaemon(true);
        drain.start();
        assertEquals(0, exit.get(20, TimeUnit.SECONDS));
    }

    @Test
    void usageErrors() {
        PicocliCommand s = simulate();
        PrintStream sink = new PrintStream(new ByteArrayOutputStream());
        assertEquals(2, CommandLines.execute(s, List.of("--speed", "fast"), sink, sink));
        assertEquals(2, CommandLines.execute(s, List.of("--scenario", "drought"), sink, sink));
        assertEquals(2, CommandLines.execute(s, List.of("--tcp-port", "-1"), sink, sink));
        assertEquals(2, CommandLines.execute(s, List.of("--bogus"), sink, sink));
        assertEquals(2, CommandLines.execute(s, List.of("--duration", "-5"), sink, sink));
    }

    @Test
    void portInUseIsAUserFixableFailure() throws Exception {
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            PrintStream sink = new PrintStream(new ByteArrayOutputStream());
            int code = CommandLines.execute(simulate(), List.of("--tcp-port", "" + taken.getLocalPort(), "--duration", "1s"), sink, new PrintStream(err, true));
            assertEquals(1, code);
            assertTrue(err.toString().startsWith("simulate: "), err.toString());
        }
    }
}
