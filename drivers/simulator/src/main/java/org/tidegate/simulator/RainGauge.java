package org.tidegate.simulator;

import org.tidegate.driver.modbus.slave.RegisterBank;

/**
 * Tipping-bucket rain gauge with a Modbus pulse counter. Holding registers (FC 3), big-endian:
 * <pre>
 * hr 0-1   tip count since reset, uint32
 * hr 2     rainfall per tip, 0.1 mm, uint16 (5 = 0.5 mm)
 * hr 3-4   rainfall since reset, mm, float32
 * hr 5     rain intensity, 0.1 mm/h, uint16
 * coil 0   write 1 to reset the counter (reads back 0)
 * </pre>
 */
public final class RainGauge extends RegisterBank {
    private final SiteModel site;

    public RainGauge(SiteModel site) {
        super(1, 0, 0, 16);
        this.site = site;
        setHolding(2, 5);
        refresh();
    }

    @Override
    protected void beforeRead() {
        refresh();
    }

    @Override
    protected void afterWrite(Table table, int address, int count) {
        if (table == Table.COIL && address == 0 && coil(0)) {
            site.resetTips();
            setCoil(0, false);
            refresh();
        }
    }

    private void refresh() {
        site.advance();
        long tips = site.tips();
        setHolding(0, (int) (tips >>> 16), (int) tips);
        setHoldingFloat(3, (float) (tips * SiteModel.MM_PER_TIP));
        setHolding(5, (int) Math.round(site.rainIntensityMmPerHour() * 10));
    }
}
