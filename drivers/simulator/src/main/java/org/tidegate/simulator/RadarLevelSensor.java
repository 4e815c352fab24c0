package org.tidegate.simulator;

import org.tidegate.driver.modbus.slave.RegisterBank;

/**
 * Radar water-level sensor. Holding registers (FC 3), big-endian, high word first:
 * <pre>
 * hr 0-1   level above gauge datum, m, float32
 * hr 2     status bits: 0 echo valid, 1 above warning line (3.50 m), 2 above danger line (4.20 m)
 * hr 3     level, cm, uint16
 * hr 4     electronics temperature, 0.1 degC, int16
 * hr 5-9   reserved, read as 0
 * hr 16-19 model name "TG-RADAR", 2 ASCII characters per register
 * </pre>
 * Addresses outside hr 0-31 answer exception 2.
 */
public final class RadarLevelSensor extends RegisterBank {
    private final SiteModel site;

    public RadarLevelSensor(SiteModel site) {
        super(0, 0, 0, 32);
        this.site = site;
        int[] name = ascii("TG-RADAR");
        setHolding(16, name);
        refresh();
    }

    @Override
    protected void beforeRead() {
        refresh();
    }

    private void refresh() {
        site.advance();
        double level = site.levelMeasured();
        setHoldingFloat(0, (float) level);
        int status = 1 | (level >= SiteModel.WARNING_LEVEL_M ? 2 : 0) | (level >= SiteModel.DANGER_LEVEL_M ? 4 : 0);
        setHolding(2, status);
        setHolding(3, (int) Math.round(Math.max(0, level) * 100));
        setHolding(4, (int) Math.round(10 * (18.0 + 2 * Math.sin(site.simSeconds() / 3600.0))));
    }

    static int[] ascii(String s) {
        int[] regs = new int[(s.length() + 1) / 2];
        for (int i = 0; i < s.length(); i++) {
            regs[i / 2] |= (s.charAt(i) & 0xFF) << (i % 2 == 0 ? 8 : 0);
        }
        return regs;
    }
}
