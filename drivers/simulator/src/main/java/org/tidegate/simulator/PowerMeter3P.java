package org.tidegate.simulator;

import org.tidegate.driver.modbus.slave.RegisterBank;

/**
 * Three-phase power meter on the pump supply. Input registers (FC 4), float32 big-endian high word first, laid
 * out like the Eastron SDM630 Modbus map (Eastron "SDM630 Modbus Protocol", input register table 30001 ff.):
 * <pre>
 * ir 0, 2, 4     phase 1-3 line-to-neutral voltage, V
 * ir 6, 8, 10    phase 1-3 current, A
 * ir 12, 14, 16  phase 1-3 active power, W
 * ir 52          total system active power, W
 * ir 70          frequency, Hz
 * ir 72          total import active energy, kWh
 * coil 0         pump contactor manual start (1 = run regardless of level)
 * </pre>
 */
public final class PowerMeter3P extends RegisterBank {
    private final SiteModel site;

    public PowerMeter3P(SiteModel site) {
        super(1, 0, 80, 0);
        this.site = site;
        refresh();
    }

    @Override
    protected void beforeRead() {
        refresh();
    }

    @Override
    protected void afterWrite(Table table, int address, int count) {
        if (table == Table.COIL && address == 0) {
            site.forcePump(coil(0));
        }
    }

    private void refresh() {
        site.advance();
        double total = 0;
        for (int p = 1; p <= 3; p++) {
            double v = site.voltage(p);
            double a = site.current(p);
            double w = site.phasePowerWatts(p, v, a);
            total += w;
            setInputFloat(2 * (p - 1), (float) v);
            setInputFloat(6 + 2 * (p - 1), (float) a);
            setInputFloat(12 + 2 * (p - 1), (float) w);
        }
        setInputFloat(52, (float) total);
        setInputFloat(70, (float) site.frequency());
        setInputFloat(72, (float) site.energyKwh());
    }
}
