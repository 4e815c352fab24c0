package org.tidegate.driver.gpio.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.tidegate.driver.gpio.internal.Fixtures.bouncyClose;
import static org.tidegate.driver.gpio.internal.Fixtures.bouncyOpen;
import static org.tidegate.driver.gpio.internal.Fixtures.channel;
import static org.tidegate.driver.gpio.internal.Fixtures.device;
import static org.tidegate.driver.gpio.internal.Fixtures.input;
import static org.tidegate.driver.gpio.internal.Fixtures.output;

import com.pi4j.io.gpio.digital.DigitalState;
import com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalInput;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tidegate.core.driver.ChannelReading;
import org.tidegate.core.driver.DeviceSession;
import org.tidegate.core.driver.DriverException;
import org.tidegate.core.driver.ReadStatus;
import org.tidegate.core.model.Access;
import org.tidegate.core.model.Channel;
import org.tidegate.core.model.DataType;
import org.tidegate.core.model.Device;
import org.tidegate.driver.gpio.GpioEdge;

class GpioDriverTest {
    private final Fixtures.ManualClock clock = new Fixtures.ManualClock();
    private final GpioDriver driver = Fixtures.mockDriver(clock);
    private final List<GpioEdge> edges = Collections.synchronizedList(new ArrayList<>());

    @AfterEach
    void close() {
        driver.close();
    }

    private static Object value(DeviceSession s, Device d, String channel) {
        ChannelReading r = s.read(List.of(d.channel(channel).orElseThrow())).get(0);
        assertEquals(ReadStatus.OK, r.status(), () -> channel + ": " + r.detail());
        return r.raw();
    }

    @Test
    void activeLowSmokeContactReadsTrueWhenClosedAndPushesTheEdgeAtOnce() throws Exception {
        driver.addEdgeListener(edges::add, null);
        Device d = Fixtures.riverside();
        try (DeviceSession s = driver.open(d)) {
            MockDigitalInput smoke = input(driver, 27);
            assertEquals(DigitalState.HIGH, smoke.state(), "pulled-up open contact idles high");
            assertEquals(false, value(s, d, "smoke"));
            assertTrue(edges.isEmpty());

            clock.advanceMs(1000);
            bouncyClose(smoke, clock, 3); // contact closes: pin to LOW
            // The listener ran before any poll, once despite the bounces.
            assertEquals(1, edges.size(), () -> "edges: " + edges);
            GpioEdge e = edges.get(0);
            assertEquals("gpio-1", e.device());
            assertEquals("smoke", e.channel());
            assertEquals(27, e.line());
            assertTrue(e.active());
            assertEquals(true, value(s, d, "smoke"));

            clock.advanceMs(5000);
            bouncyOpen(smoke, clock, 2);
            assertEquals(2, edges.size());
            assertFalse(edges.get(1).active());
            assertEquals(false, value(s, d, "smoke"));
        }
    }

    @Test
    void activeHighInputWithoutPullFollowsThePinLevel() throws Exception {
        Device d = device("contact", List.of(channel("door", 5, DataType.BOOL, Access.READ, "mode", "input")));
        try (DeviceSession s = driver.open(d)) {
            MockDigitalInput pin = input(driver, 5);
            assertEquals(false, value(s, d, "door"));
            clock.advanceMs(100);
            pin.mockState(DigitalState.HIGH);
            assertEquals(true, value(s, d, "door"));
        }
    }

    @Test
    void bouncesWithinTwentyMillisecondsCountAsOneTip() throws Exception {
        Device d = Fixtures.riverside();
        try (DeviceSession s = driver.open(d)) {
            MockDigitalInput rain = input(driver, 17);
            for (int tip = 0; tip < 5; tip++) {
                clock.advanceMs(300);
                bouncyClose(rain, clock, 4);   // 8 ms of bounce
                clock.advanceMs(100);
                bouncyOpen(rain, clock, 3);    // 6 ms of bounce
            }
            assertEquals(2.5, (Double) value(s, d, "rain_total"), 1e-9);
        }
    }

    @Test
    void withoutDebounceEveryBounceWouldCount() throws Exception {
        // Control for the test above: the same signal with debounceMs=0 counts every bounce.
        Device d = device("raw", List.of(channel("tips", 17, DataType.UINT32, Access.READ, "mode", "counter",
                "activeLow", true, "pull", "up", "debounceMs", 0, "report", "tips")));
        try (DeviceSession s = driver.open(d)) {
            MockDigitalInput rain = input(driver, 17);
            clock.advanceMs(300);
            bouncyClose(rain, clock, 4);
            assertEquals(5L, value(s, d, "tips"));
        }
    }

    @Test
    void intervalAndCumulativeShareOneCounterAcrossPolls() throws Exception {
        Device d = Fixtures.riverside();
        try (DeviceSession s = driver.open(d)) {
            MockDigitalInput rain = input(driver, 17);
            List<Channel> both = List.of(d.channel("rain_total").orElseThrow(), d.channel("rain_interval").orElseThrow());
            int[] tipsPerPoll = {3, 0, 7, 1};
            int total = 0;
            for (int tips : tipsPerPoll) {
                for (int i = 0; i < tips; i++) {
                    clock.advanceMs(250);
                    bouncyClose(rain, clock, 2);
                    clock.advanceMs(60);
                    bouncyOpen(rain, clock, 2);
                }
                total += tips;
                List<ChannelReading> r = s.read(both);
                assertEquals(total * 0.5, (Double) r.get(0).raw(), 1e-9, "cumulative");
                assertEquals(tips * 0.5, (Double) r.get(1).raw(), 1e-9, "interval since previous poll");
            }
        }
    }

    @Test
    void noTipLostInABurstOfThousandPulsesWhilePolling() throws Exception {
        Device d = Fixtures.riverside();
        try (DeviceSession s = driver.open(d)) {
            MockDigitalInput rain = input(driver, 17);
            List<Channel> interval = List.of(d.channel("rain_interval").orElseThrow());
            double[] sum = {0};
            Thread pulses = new Thread(() -> {
                for (int i = 0; i < 1000; i++) {
                    clock.advanceMs(25);
                    bouncyClose(rain, clock, 2);
                    clock.advanceMs(25);
                    bouncyOpen(rain, clock, 1);
                }
            }, "pulses");
            pulses.start();
            int polls = 0;
            while (pulses.isAlive()) {
                sum[0] += (Double) s.read(interval).get(0).raw();
                polls++;
                Thread.onSpinWait();
            }
            pulses.join();
            clock.advanceMs(100);
            sum[0] += (Double) s.read(interval).get(0).raw();
            assertTrue(polls > 0);
            assertEquals(500.0, sum[0], 1e-9, "sum of interval reports over " + polls + " polls");
            assertEquals(500.0, (Double) value(s, d, "rain_total"), 1e-9);
        }
    }

    @Test
    void outputsSwitchAndReadBackWithActiveLowRespected() throws Exception {
        Device d = device("relays", List.of(
                channel("siren", 22, DataType.BOOL, Access.READ_WRITE, "mode", "output"),
                channel("pump", 23, DataType.BOOL, Access.READ_WRITE, "mode", "output", "activeLow", true,
                        "initial", true)));
        try (DeviceSession s = driver.open(d)) {
            Channel siren = d.channel("siren").orElseThrow();
            Channel pump = d.channel("pump").orElseThrow();
            assertEquals(false, value(s, d, "siren"));
            assertEquals(DigitalState.LOW, output(driver, 22).state());
            assertEquals(true, value(s, d, "pump"), "initial=true");
            assertEquals(DigitalState.LOW, output(driver, 23).state(), "active-low relay on = pin low");

            ChannelReading w = s.write(siren, Boolean.TRUE);
            assertEquals(ReadStatus.OK, w.status(), w.detail());
            assertEquals(true, w.raw());
            assertEquals(DigitalState.HIGH, output(driver, 22).state());
            assertEquals(true, value(s, d, "siren"));

            assertEquals(ReadStatus.OK, s.write(pump, 0L).status(), "numeric 0 switches off");
            assertEquals(DigitalState.HIGH, output(driver, 23).state());
            assertEquals(false, value(s, d, "pump"));

            ChannelReading bad = s.write(siren, "maybe");
            assertEquals(ReadStatus.UNSUPPORTED, bad.status());
            assertTrue(bad.detail().contains("true/false"), bad.detail());
            assertEquals(true, value(s, d, "siren"), "a bad value changes nothing");
        }
    }

    @Test
    void writingAnInputIsUnsupported() throws Exception {
        Device d = Fixtures.riverside();
        try (DeviceSession s = driver.open(d)) {
            ChannelReading r = s.write(d.channel("smoke").orElseThrow(), Boolean.TRUE);
            assertEquals(ReadStatus.UNSUPPORTED, r.status());
            assertTrue(r.detail().contains("smoke") && r.detail().contains("input"), r.detail());
            ChannelReading c = s.write(d.channel("rain_total").orElseThrow(), 1.0);
            assertEquals(ReadStatus.UNSUPPORTED, c.status());
        }
    }

    /** Bad configuration is refused by the schema, before any driver sees it. */
    private IllegalArgumentException openFails(Fixtures.Ch... channels) {
        return assertThrows(IllegalArgumentException.class, () -> driver.open(device("bad", List.of(channels))));
    }

    @Test
    void badConfigurationIsRefusedByTheSchemaWithAClearMessage() {
        IllegalArgumentException e = openFails(channel("x", "gpio:99", DataType.BOOL, Access.READ));
        assertTrue(e.getMessage().contains("$.channels[0].address") && e.getMessage().contains("out of range"), e.getMessage());
        e = openFails(channel("x", "hr:3", DataType.BOOL, Access.READ));
        assertTrue(e.getMessage().contains("not a GPIO address"), e.getMessage());
        e = openFails(channel("x", 4, DataType.BOOL, Access.READ, "mode", "pwm"));
        assertTrue(e.getMessage().contains("$.channels[0].mode: \"pwm\" is not one of [input, counter, output]"), e.getMessage());
        e = openFails(channel("x", 4, DataType.BOOL, Access.READ, "mode", "input", "pull", "sideways"));
        assertTrue(e.getMessage().contains("pull"), e.getMessage());
        e = openFails(channel("x", 4, DataType.FLOAT64, Access.READ, "mode", "input"));
        assertTrue(e.getMessage().contains("needs type bool"), e.getMessage());
        e = openFails(channel("x", 4, DataType.BOOL, Access.READ, "mode", "counter"));
        assertTrue(e.getMessage().contains("numeric type"), e.getMessage());
        e = openFails(channel("x", 4, DataType.FLOAT64, Access.READ, "mode", "counter", "mmPerTip", -1));
        assertTrue(e.getMessage().contains("mmPerTip"), e.getMessage());
        e = openFails(channel("x", 4, DataType.FLOAT64, Access.READ, "mode", "counter", "report", "hourly"));
        assertTrue(e.getMessage().contains("report"), e.getMessage());
        e = openFails(channel("x", 4, DataType.BOOL, Access.READ, "mode", "input", "activeLow", "yes"));
        assertTrue(e.getMessage().contains("activeLow"), e.getMessage());
        e = openFails(channel("a", 4, DataType.BOOL, Access.READ, "mode", "input"),
                channel("b", 4, DataType.BOOL, Access.READ_WRITE, "mode", "output"));
        assertTrue(e.getMessage().contains("share gpio:4"), e.getMessage());
        e = openFails(channel("a", 4, DataType.FLOAT64, Access.READ, "mode", "counter", "debounceMs", 20),
                channel("b", 4, DataType.FLOAT64, Access.READ, "mode", "counter", "debounceMs", 5));
        assertTrue(e.getMessage().contains("disagree"), e.getMessage());
    }

    @Test
    void wrongProviderOrTransportIsRefusedByTheSchema() {
        Fixtures.Ch c = channel("x", 4, DataType.BOOL, Access.READ, "mode", "input");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> driver.open(device("d", Map.of("transport", "gpio", "provider", "wiringpi"), List.of(c))));
        assertTrue(e.getMessage().contains("$.connection.provider: \"wiringpi\" is not one of [auto, mock, real]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> driver.open(device("d", Map.of("transport", "tcp"), List.of(c))));
        assertTrue(e.getMessage().contains("transport"), e.getMessage());
    }

    @Test
    void aLineBelongsToOneDeviceUntilItsSessionCloses() throws Exception {
        Device a = device("a", List.of(channel("in", 6, DataType.BOOL, Access.READ, "mode", "input")));
        Device b = device("b", List.of(channel("in", 6, DataType.BOOL, Access.READ, "mode", "input")));
        DeviceSession sa = driver.open(a);
        DriverException e = assertThrows(DriverException.class, () -> driver.open(b));
        assertTrue(e.getMessage().contains("gpio:6 is already used by device a"), e.getMessage());
        sa.close();
        try (DeviceSession sb = driver.open(b)) {
            assertEquals(false, value(sb, b, "in"));
        }
        ChannelReading closed = sa.read(a.channels()).get(0);
        assertEquals(ReadStatus.NOT_CONNECTED, closed.status());
    }

    @Test
    void autoProviderFallsBackToMockWithoutAGpioChip(@TempDir Path dev) throws Exception {
        try (GpioDriver auto = new GpioDriver("auto", clock, dev)) {
            Device d = device("d", Map.of("transport", "gpio"), List.of(channel("in", 6, DataType.BOOL, Access.READ)));
            try (DeviceSession s = auto.open(d)) {
                assertNotNull(auto.context(GpioBackend.Kind.MOCK), "auto resolved to the mock provider");
                assertEquals(ReadStatus.OK, s.read(d.channels()).get(0).status());
            }
        }
    }

    @Test
    void autoPrefersRealHardwareWhenAChipExists(@TempDir Path dev) throws Exception {
        java.nio.file.Files.createFile(dev.resolve("gpiochip0"));
        assertEquals(GpioBackend.Kind.REAL, GpioBackend.resolve("auto", dev));
        assertEquals(GpioBackend.Kind.MOCK, GpioBackend.resolve("mock", dev));
    }

    @Test
    void realProviderWithoutAChipFailsClearly() {
        // This build host has no /dev/gpiochip* (and is amd64): one sentence, no Pi4J stack trace.
        Device d = device("d", Map.of("transport", "gpio", "provider", "real"),
                List.of(channel("in", 6, DataType.BOOL, Access.READ, "mode", "input")));
        DriverException e = assertThrows(DriverException.class, () -> driver.open(d));
        assertTrue(e.getMessage().contains("real GPIO unavailable: no GPIO chip under"), e.getMessage());
    }

    @Test
    void aFailingEdgeListenerDoesNotStopOthersNorTheCount() throws Exception {
        driver.addEdgeListener(edge -> {
            throw new IllegalStateException("boom");
        }, null);
        driver.addEdgeListener(edges::add, "gpio-1");
        driver.addEdgeListener(edge -> edges.add(new GpioEdge("WRONG", "x", 0, false, 0)), "other-device");
        Device d = Fixtures.riverside();
        try (DeviceSession s = driver.open(d)) {
            clock.advanceMs(100);
            input(driver, 27).mockState(DigitalState.LOW);
            assertEquals(1, edges.size(), () -> "edges: " + edges);
            assertEquals("gpio-1", edges.get(0).device());
            assertEquals(true, value(s, d, "smoke"));
        }
    }

    @Test
    void gpioMockDrivesInputsAndReadsOutputsOfOpenMockLines() throws Exception {
        driver.addEdgeListener(edges::add, null);
        Device d = Fixtures.riverside();
        try (DeviceSession s = driver.open(d)) {
            assertTrue(driver.level(27), "pulled-up smoke contact idles high");
            clock.advanceMs(100);
            driver.setLevel(27, false); // contact closes
            assertEquals(1, edges.size());
            assertEquals(true, value(s, d, "smoke"));
            for (int i = 0; i < 3; i++) {
                clock.advanceMs(300);
                driver.setLevel(17, false);
                clock.advanceMs(300);
                driver.setLevel(17, true);
            }
            assertEquals(1.5, (Double) value(s, d, "rain_total"), 1e-9);
            s.write(d.channel("siren").orElseThrow(), true);
            assertTrue(driver.level(22));
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> driver.setLevel(22, true));
            assertTrue(e.getMessage().contains("gpio:22"), e.getMessage());
            assertThrows(IllegalStateException.class, () -> driver.setLevel(40, true));
        }
        assertThrows(IllegalStateException.class, () -> driver.level(27), "closed sessions release their lines");
    }
}
