package org.tidegate.driver.modbus.slave;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The units a server answers for, with per-unit faults and answer delays; shared by a TCP and an RTU server. */
public final class SlaveUnits {
    private final Map<Integer, ModbusUnit> units = new ConcurrentHashMap<>();
    private final Map<Integer, Fault> faults = new ConcurrentHashMap<>();
    private final Map<Integer, Long> delays = new ConcurrentHashMap<>();

    public SlaveUnits add(int unit, ModbusUnit u) {
        units.put(unit, u);
        return this;
    }

    public ModbusUnit unit(int unit) {
        return units.get(unit);
    }

    public void fault(int unit, Fault fault) {
        faults.put(unit, fault == null ? Fault.NONE : fault);
    }

    public Fault fault(int unit) {
        return faults.getOrDefault(unit, Fault.NONE);
    }

    /** Makes the unit wait before answering (a slow device). */
    public void delay(int unit, long millis) {
        delays.put(unit, Math.max(0, millis));
    }

    long delay(int unit) {
        return delays.getOrDefault(unit, 0L);
    }
}
