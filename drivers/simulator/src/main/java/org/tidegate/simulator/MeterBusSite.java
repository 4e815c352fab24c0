package org.tidegate.simulator;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;
import java.util.function.DoubleSupplier;
import org.tidegate.driver.dlt645.codec.BcdFormat;
import org.tidegate.driver.dlt645.codec.MeterAddress;
import org.tidegate.driver.dlt645.meter.MeterBus;
import org.tidegate.driver.dlt645.meter.SimulatedMeter;
import org.tidegate.driver.serial.SerialSettings;

/**
 * The site's DL/T 645-2007 meters on one RS-485 bus: meter {@value #PUMP_METER} on the pump supply (the same
 * values as the Modbus power meter), {@value #LIGHTING_METER} lighting and {@value #AUX_METER} the auxiliary
 * supply (fixed small loads). Each knows the identifiers of the profile: {@code 02030000} total active
 * power XX.XXXX kW, {@code 02010100}–{@code 02010300} phase voltages XXX.X V (block {@code 0201FF00}),
 * {@code 02020100}–{@code 02020300} phase currents XXX.XXX A (block {@code 0202FF00}), {@code 00010000} forward
 * active energy XXXXXX.XX kWh.
 */
public final class MeterBusSite implements AutoCloseable {
    public static final String PUMP_METER = "000000000001";
    public static final String LIGHTING_METER = "000000000002";
    public static final String AUX_METER = "000000000003";
    public static final List<String> ADDRESSES = List.of(PUMP_METER, LIGHTING_METER, AUX_METER);

    static final BcdFormat POWER = BcdFormat.parse("XX.XXXX", true);
    static final BcdFormat VOLTAGE = BcdFormat.parse("XXX.X", false);
    static final BcdFormat CURRENT = BcdFormat.parse("XXX.XXX", true);
    static final BcdFormat ENERGY = BcdFormat.parse("XXXXXX.XX", false);

    private final MeterBus bus;
    private final List<SimulatedMeter> meters;

    private MeterBusSite(MeterBus bus, List<SimulatedMeter> meters) {
        this.bus = bus;
        this.meters = meters;
    }

    /** Serves the three meters on {@code serial} (e.g. one end of a socat pty pair). */
    public static MeterBusSite start(SiteModel site, SerialSettings serial) throws IOException {
        List<SimulatedMeter> meters = List.of(
                meter(PUMP_METER, site::voltage, site::current,
                        () -> (site.phasePowerWatts(1, site.voltage(1), site.current(1)) + site.phasePowerWatts(2, site.voltage(2), site.current(2))
                                + site.phasePowerWatts(3, site.voltage(3), site.current(3))) / 1000.0,
                        site::energyKwh),
                meter(LIGHTING_METER, p -> site.voltage(p), p -> 1.2, () -> 0.8, () -> 1520.25),
                meter(AUX_METER, p -> site.voltage(p), p -> 0.6, () -> 0.4, () -> 310.5));
        return new MeterBusSite(MeterBus.start(serial, meters), meters);
    }

    /** The constant power of the lighting meter, kW (what tests expect). */
    public static final double LIGHTING_KW = 0.8;
    /** The constant energy of the lighting meter, kWh. */
    public static final double LIGHTING_KWH = 1520.25;

    private interface PhaseValue {
        double of(int phase);
    }

    private static SimulatedMeter meter(String address, PhaseValue volts, PhaseValue amps, DoubleSupplier kw, DoubleSupplier kwh) {
        SimulatedMeter m = new SimulatedMeter(new MeterAddress(address));
        m.value(0x02030000, POWER, () -> bd(kw.getAsDouble(), 4));
        for (int p = 1; p <= 3; p++) {
            int phase = p;
            m.value(0x02010000 | p << 8, VOLTAGE, () -> bd(volts.of(phase), 1));
            m.value(0x02020000 | p << 8, CURRENT, () -> bd(amps.of(phase), 3));
        }
        m.value(0x00010000, ENERGY, () -> bd(kwh.getAsDouble(), 2));
        return m;
    }

    private static BigDecimal bd(double v, int decimals) {
        return BigDecimal.valueOf(v).setScale(decimals, RoundingMode.HALF_UP);
    }

    public MeterBus bus() {
        return bus;
    }

    public List<SimulatedMeter> meters() {
        return meters;
    }

    @Override
    public void close() {
        bus.close();
    }
}
