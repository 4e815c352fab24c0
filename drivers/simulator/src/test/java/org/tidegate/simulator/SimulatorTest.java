package org.tidegate.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.tidegate.core.driver.DeviceSession;
import org.tidegate.core.driver.ReadStatus;
import org.tidegate.core.model.Channel;
import org.tidegate.core.model.DataType;
import org.tidegate.core.model.Device;
import org.tidegate.core.model.Sample;
import org.tidegate.core.pipeline.SampleBatch;
import org.tidegate.core.poll.DevicePoller;
import org.tidegate.driver.modbus.ModbusDriver;
import org.tidegate.driver.modbus.internal.ModbusSession;

/** The simulator through the real driver over loopback TCP, read with the shipped profiles; scenarios on a fake clock. */
class SimulatorTest {
    private static final long MINUTE = 60_000_000_000L;

    private static Map<String, Object> values(SampleBatch b) {
        java.util.HashMap<String, Object> m = new java.util.HashMap<>();
        for (Sample s : b.samples()) {
            assertTrue(s.isGood(), s.channel() + " " + s.detail());
            m.put(s.channel(), s.value());
        }
        return m;
    }

    @Test
    void profilesReadTheSimulatorOverTcp() throws Exception {
        try (Simulator sim = new Simulator(1.0); ModbusDriver driver = new ModbusDriver()) {
            int port = sim.startTcp("127.0.0.1", 0);
            Device radar = Profiles.device("radar-level", "wl-001", Profiles.tcp(port, Simulator.RADAR_UNIT),
                    Duration.ofSeconds(1), Duration.ofMillis(1000), 1);
            Device meter = Profiles.device("power-meter-3p", "pm-001", Profiles.tcp(port, Simulator.METER_UNIT),
                    Duration.ofSeconds(1), Duration.ofMillis(1000), 1);
            try (DevicePoller pr = new DevicePoller(radar, driver.open(radar), List::of);
                 DevicePoller pm = new DevicePoller(meter, driver.open(meter), List::of)) {
                Map<String, Object> r = values(pr.pollOnce());
                double level = (Double) r.get("level");
                assertTrue(level > 1.1 && level < 2.1, "level " + level);
                assertEquals(true, r.get("echoValid"));
                assertEquals(false, r.get("aboveWarning"));
                double temp = (Double) r.get("temperature");
                assertTrue(temp > 15 && temp < 21, "temperature " + temp);

                Map<String, Object> m = values(pm.pollOnce());
                for (String v : List.of("voltageL1", "voltageL2", "voltageL3")) {
                    assertEquals(230.0, (Double) m.get(v), 5.0, v);
                }
                assertEquals(0.45, (Double) m.get("currentL1"), 0.1);
                assertEquals(3 * 230 * 0.45 * 0.5 / 1000, (Double) m.get("activePower"), 0.05);
                assertEquals(50.0, (Double) m.get("frequency"), 0.1);
                assertEquals(1520.0, (Double) m.get("energy"), 1.0);
            }
            // The meter profile's nine channels take two requests: ir 0-11 and ir 52-73.
            try (DeviceSession s = driver.open(meter)) {
                s.read(meter.channels());
                assertEquals(2, ((ModbusSession) s).plan().blocks().size());
            }
        }
    }

    @Test
    void floodRaisesLevelRainAndStartsThePump() throws Exception {
        AtomicLong clock = new AtomicLong();
        SiteModel site = new SiteModel(1.0, 7, clock::get);
        try (Simulator sim = new Simulator(site); ModbusDriver driver = new ModbusDriver()) {
            int port = sim.startTcp("127.0.0.1", 0);
            Channel level = Channel.of("level", "hr:0", DataType.FLOAT32, "m");
            Channel tips = Channel.of("tips", "hr:0", DataType.UINT32, "");
            Channel reset = new Channel("reset", "coil:0", DataType.BOOL, null, null, 0, 1, 0, "",
                    org.tidegate.core.model.Access.WRITE, null, "");
            Channel current = Channel.of("i1", "ir:6", DataType.FLOAT32, "A");
            try (DeviceSession radar = driver.open(dev(port, Simulator.RADAR_UNIT, level));
                 DeviceSession rain = driver.open(dev(port, Simulator.RAIN_UNIT, tips));
                 DeviceSession meter = driver.open(dev(port, Simulator.METER_UNIT, current))) {
                double before = (Double) radar.read(List.of(level)).get(0).raw();
                sim.scenario(Scenario.FLOOD);
                clock.addAndGet(10 * MINUTE);
                double after = (Double) radar.read(List.of(level)).get(0).raw();
                assertEquals(0.3, after - before, 0.03, "a flood raises the level 0.3 m per 10 min");
                // 30 mm/h for 10 min = 5 mm = 10 tips of 0.5 mm.
                assertEquals(10L, rain.read(List.of(tips)).get(0).raw());
                assertEquals(ReadStatus.OK, rain.write(reset, true).status());
                assertEquals(0L, rain.read(List.of(tips)).get(0).raw());

                assertTrue((Double) meter.read(List.of(current)).get(0).raw() < 1.0, "pump idle");
                clock.addAndGet(60 * MINUTE); // +1.8 m: above the 3.0 m start level
                assertTrue(site.pumpOn());
                assertEquals(18.7, (Double) meter.read(List.of(current)).get(0).raw(), 1.0);

                sim.scenario(Scenario.RECEDE);
                clock.addAndGet(300 * MINUTE);
                assertEquals(Scenario.NORMAL, site.scenario(), "the recession ends in the normal swing");
                assertFalse(site.pumpOn());
            }
        }
    }

    @Test
    void speedFactorRunsSimulatedTimeFaster() {
        AtomicLong clock = new AtomicLong();
        SiteModel site = new SiteModel(60, 1, clock::get);
        site.scenario(Scenario.FLOOD);
        double before = site.level();
        clock.addAndGet(10_000_000_000L); // 10 real seconds = 10 simulated minutes
        assertEquals(600.0, site.simSeconds(), 1e-6);
        assertEquals(0.3, site.level() - before, 1e-6);
    }

    private static Device dev(int port, int unit, Channel c) {
        return Profiles.device("u" + unit, Profiles.tcp(port, unit), Duration.ofSeconds(1), Duration.ofMillis(1000), 1,
                List.of(c));
    }

}
