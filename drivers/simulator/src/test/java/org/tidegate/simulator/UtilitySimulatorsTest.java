package org.tidegate.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.tidegate.core.cli.CommandLines;
import org.tidegate.core.cli.PicocliCommand;
import org.tidegate.core.config.DeviceSchema;
import org.tidegate.core.driver.ChannelReading;
import org.tidegate.core.driver.DeviceSession;
import org.tidegate.core.model.Device;
import org.tidegate.driver.dlt645.Dlt645Driver;
import org.tidegate.driver.dlt645.Dlt645Schema;
import org.tidegate.driver.serial.SerialBuses;
import org.tidegate.driver.serial.testing.SocatPair;
import org.tidegate.driver.sl651.Sl651Driver;
import org.tidegate.driver.sl651.Sl651Schema;

/**
 * {@code tidegate simulate} with the utility protocols: the three DL/T 645 meters on a pty answer the gateway's
 * driver, and the SL 651 station reports to the gateway's receiver over TCP, again and again at its interval, in ASCII
 * mode ({@code --sl651-encoding ascii}; HEX is what the receiver's own tests use).
 */
@Timeout(60)
class UtilitySimulatorsTest {

    @TempDir
    Path dir;

    static Device meter(String id, String port, String address) {
        return DeviceSchema.decode(id + ".json", "{\"id\":\"" + id + "\",\"protocol\":\"dlt645\",\"timeoutMs\":500,\"retries\":1,"
                + "\"connection\":{\"port\":\"" + port + "\",\"parity\":\"none\",\"address\":\"" + address + "\"},"
                + "\"channels\":[{\"id\":\"p\",\"address\":\"02030000\",\"format\":\"XX.XXXX\",\"unit\":\"kW\"},"
                + "{\"id\":\"ua\",\"address\":\"02010100\",\"format\":\"XXX.X\"},{\"id\":\"ub\",\"address\":\"02010200\",\"format\":\"XXX.X\"},"
                + "{\"id\":\"uc\",\"address\":\"02010300\",\"format\":\"XXX.X\"},"
                + "{\"id\":\"ia\",\"address\":\"02020100\",\"format\":\"XXX.XXX\"},{\"id\":\"ib\",\"address\":\"02020200\",\"format\":\"XXX.XXX\"},"
                + "{\"id\":\"ic\",\"address\":\"02020300\",\"format\":\"XXX.XXX\"},"
                + "{\"id\":\"e\",\"address\":\"00010000\",\"format\":\"XXXXXX.XX\"}]}", new Dlt645Schema());
    }

    @Test
    void simulateServesMetersAndAStation() throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        Device station = DeviceSchema.decode("st.json", "{\"id\":\"st\",\"protocol\":\"sl651\",\"connection\":{\"transport\":\"tcp\","
                + "\"bind\":\"127.0.0.1\",\"listenPort\":" + port + ",\"station\":\"0011223344\",\"centre\":5,\"password\":\"03E8\",\"encoding\":\"ascii\"},"
                + "\"channels\":[{\"id\":\"level\",\"address\":\"39\"},{\"id\":\"voltage\",\"address\":\"38\"}]}", new Sl651Schema());
        try (SocatPair pair = SocatPair.start(dir);
             Dlt645Driver meters = new Dlt645Driver(new SerialBuses());
             Sl651Driver centre = new Sl651Driver(new SerialBuses())) {
            DeviceSession st = centre.open(station);
            Thread.sleep(300); // the receiver binds its port
            ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
            PrintStream out = new PrintStream(outBytes, true, StandardCharsets.UTF_8);
            PicocliCommand simulate = ServiceLoader.load(PicocliCommand.class).stream().map(ServiceLoader.Provider::get)
                    .filter(s -> CommandLines.of(s).getCommandName().equals("simulate")).findFirst().orElseThrow();
            CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> {
                try {
                    return CommandLines.execute(simulate, List.of("--tcp-port", "-1", "--duration", "5s", "--dlt645-port", pair.endB().toString(), "--dlt645-parity", "none",
                            "--sl651-tcp", "127.0.0.1:" + port, "--sl651-interval", "1s", "--sl651-encoding", "ascii"), out, out);
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            Thread.sleep(500);
            for (String address : MeterBusSite.ADDRESSES) {
                Device d = meter("m" + address, pair.endA().toString(), address);
                try (DeviceSession s = meters.open(d)) {
                    List<ChannelReading> r = s.read(d.channels());
                    assertTrue(r.stream().allMatch(ChannelReading::ok), r.toString());
                    double ua = (Double) r.get(1).raw();
                    assertTrue(ua > 220 && ua < 240, "phase A voltage " + ua);
                    if (address.equals(MeterBusSite.LIGHTING_METER)) {
                        assertEquals(MeterBusSite.LIGHTING_KW, (Double) r.get(0).raw(), 1e-9);
                        assertEquals(MeterBusSite.LIGHTING_KWH, (Double) r.get(7).raw(), 1e-9);
                    }
                }
            }
            List<ChannelReading> got = new ArrayList<>();
            long deadline = System.nanoTime() + 8_000_000_000L;
            while (got.stream().filter(x -> x.channel().id().equals("level")).count() < 3) {
                assertTrue(System.nanoTime() < deadline, "timed reports so far: " + got + "\n" + outBytes);
                got.addAll(st.read(station.channels()));
                Thread.sleep(100);
            }
            assertTrue(got.stream().allMatch(ChannelReading::ok), got.toString());
            assertEquals(HydroStation.SUPPLY_VOLTS, (Double) got.stream().filter(x -> x.channel().id().equals("voltage"))
                    .findFirst().orElseThrow().raw(), 1e-9);
            double level = (Double) got.stream().filter(x -> x.channel().id().equals("level")).findFirst().orElseThrow().raw();
            assertTrue(level > 0 && level < 10, "level " + level);
            long now = System.currentTimeMillis();
            assertTrue(got.stream().allMatch(x -> x.timestamp() <= now && x.timestamp() > now - 120_000 && x.timestamp() % 60_000 == 0),
                    "observation times to the minute, just now: " + got);
            assertEquals(0, exit.get(20, TimeUnit.SECONDS), outBytes.toString());
            String printed = outBytes.toString();
            assertTrue(printed.contains("DL/T 645 meters 000000000001") && printed.contains("SL 651 station 0011223344"), printed);
            assertTrue(printed.contains("ascii frames"), printed);
            st.close();
        }
    }
}
