package org.tidegate.driver.gpio.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.tidegate.driver.gpio.internal.Fixtures.bouncyClose;
import static org.tidegate.driver.gpio.internal.Fixtures.bouncyOpen;

import com.pi4j.io.gpio.digital.DigitalState;
import com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalInput;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.tidegate.core.driver.ReadStatus;
import org.tidegate.core.model.Device;
import org.tidegate.core.model.Sample;
import org.tidegate.core.pipeline.SampleBatch;
import org.tidegate.core.pipeline.SampleSink;
import org.tidegate.core.poll.DevicePoller;

/** End to end through the core's DevicePoller: riverside GPIO device on the mock provider. */
class GpioPollTest {

    private static Map<String, Sample> byChannel(SampleBatch b) {
        return b.samples().stream().collect(Collectors.toMap(Sample::channel, s -> s));
    }

    @Test
    void pollsRainSmokeAndSirenAndSwitchesTheSiren() throws Exception {
        Fixtures.ManualClock clock = new Fixtures.ManualClock();
        List<SampleBatch> delivered = new CopyOnWriteArrayList<>();
        List<SampleSink> sinks = List.of(delivered::add);
        try (GpioDriver driver = Fixtures.mockDriver(clock)) {
            Device d = Fixtures.riverside();
            // An edge rule in miniature: the smoke edge switches the siren at once, before any poll.
            DevicePoller[] poller = new DevicePoller[1];
            driver.addEdgeListener(e -> {
                if (e.channel().equals("smoke") && e.active()) {
                    poller[0].write("siren", true);
                }
            }, d.id());
            poller[0] = new DevicePoller(d, driver.open(d), () -> sinks);
            try (DevicePoller p = poller[0]) {
                Map<String, Sample> first = byChannel(p.pollOnce());
                assertEquals(4, first.size());
                first.values().forEach(s -> assertTrue(s.isGood(), s::toString));
                assertEquals(0.0, first.get("rain_total").value());
                assertEquals(false, first.get("smoke").value());
                assertEquals(false, first.get("siren").value());
                assertEquals("mm", first.get("rain_total").unit());

                MockDigitalInput rain = Fixtures.input(driver, 17);
                for (int i = 0; i < 4; i++) {
                    clock.advanceMs(400);
                    bouncyClose(rain, clock, 3);
                    clock.advanceMs(80);
                    bouncyOpen(rain, clock, 2);
                }
                clock.advanceMs(500);
                Fixtures.input(driver, 27).mockState(DigitalState.LOW); // smoke
                assertEquals(true, Fixtures.output(driver, 22).state() == DigitalState.HIGH,
                        "siren switched by the edge listener, not by a poll");

                Map<String, Sample> second = byChannel(p.pollOnce());
                assertEquals(2.0, second.get("rain_total").value());
                assertEquals(2.0, second.get("rain_interval").value());
                assertEquals(true, second.get("smoke").value());
                assertEquals(true, second.get("siren").value());

                clock.advanceMs(400);
                bouncyClose(rain, clock, 1);
                Map<String, Sample> third = byChannel(p.pollOnce());
                assertEquals(2.5, third.get("rain_total").value());
                assertEquals(0.5, third.get("rain_interval").value());

                assertEquals(ReadStatus.OK, p.write("siren", false).status());
                assertEquals(false, byChannel(p.pollOnce()).get("siren").value());
                assertEquals(4, delivered.size());
                assertEquals("up", p.health().state());
            }
        }
    }
}
