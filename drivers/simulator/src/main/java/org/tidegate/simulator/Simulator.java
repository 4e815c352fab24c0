package org.tidegate.simulator;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.tidegate.driver.modbus.slave.Fault;
import org.tidegate.driver.modbus.slave.ModbusRtuSlave;
import org.tidegate.driver.modbus.slave.ModbusTcpSlave;
import org.tidegate.driver.modbus.slave.SlaveUnits;
import org.tidegate.driver.serial.SerialSettings;

/**
 * The riverside site's field devices as Modbus slaves: radar level sensor on unit {@value #RADAR_UNIT}, power meter
 * on unit {@value #METER_UNIT}, rain gauge on unit {@value #RAIN_UNIT}, the same units on every TCP and RTU endpoint
 * started. Usable from tests and the demo: start and stop endpoints, change scenario and speed, and make a unit
 * stop answering (or misbehave) and resume.
 */
public final class Simulator implements AutoCloseable {
    public static final int RADAR_UNIT = 1;
    public static final int METER_UNIT = 2;
    public static final int RAIN_UNIT = 3;

    private final SiteModel site;
    private final SlaveUnits units = new SlaveUnits();
    private final RadarLevelSensor radar;
    private final RainGauge rain;
    private final PowerMeter3P meter;
    private final List<AutoCloseable> endpoints = new ArrayList<>();

    public Simulator(SiteModel site) {
        this.site = site;
        this.radar = new RadarLevelSensor(site);
        this.meter = new PowerMeter3P(site);
        this.rain = new RainGauge(site);
        units.add(RADAR_UNIT, radar).add(METER_UNIT, meter).add(RAIN_UNIT, rain);
    }

    /** A simulator on the real clock, {@code speed} times faster than real time. */
    public Simulator(double speed) {
        this(new SiteModel(speed, 1));
    }

    /** Starts a Modbus TCP endpoint; {@code port} 0 picks a free one. @return the port */
    public synchronized int startTcp(String bindAddress, int port) throws IOException {
        ModbusTcpSlave s = ModbusTcpSlave.start(units, bindAddress, port);
        endpoints.add(s);
        return s.port();
    }

    /** TCP connections its Modbus TCP endpoints accepted so far (a client's reconnect or connection restart adds one). */
    public synchronized long tcpConnectionsAccepted() {
        return endpoints.stream().filter(e -> e instanceof ModbusTcpSlave)
                .mapToLong(e -> ((ModbusTcpSlave) e).connectionsAccepted()).sum();
    }

    /** The client ports of the TCP connections open now, on every Modbus TCP endpoint. */
    public synchronized java.util.Set<Integer> tcpClientPorts() {
        java.util.Set<Integer> ports = new java.util.TreeSet<>();
        endpoints.stream().filter(e -> e instanceof ModbusTcpSlave)
                .forEach(e -> ports.addAll(((ModbusTcpSlave) e).openConnectionPorts()));
        return ports;
    }

    /** Starts a Modbus RTU endpoint on a serial port (e.g. one end of a socat pty pair). */
    public synchronized void startRtu(SerialSettings settings) throws IOException {
        endpoints.add(ModbusRtuSlave.start(units, settings));
    }

    public SiteModel site() {
        return site;
    }

    public SlaveUnits units() {
        return units;
    }

    public RadarLevelSensor radar() {
        return radar;
    }

    public RainGauge rain() {
        return rain;
    }

    public PowerMeter3P meter() {
        return meter;
    }

    public void scenario(Scenario s) {
        site.scenario(s);
    }

    /** Makes a unit stop answering (false) or answer again (true), on every endpoint. */
    public void answering(int unit, boolean answering) {
        units.fault(unit, answering ? Fault.NONE : Fault.SILENT);
    }

    /** Makes a unit misbehave (bad CRC, short frames) or behave ({@link Fault#NONE}). */
    public void fault(int unit, Fault fault) {
        units.fault(unit, fault);
    }

    @Override
    public synchronized void close() {
        for (AutoCloseable e : endpoints) {
            try {
                e.close();
            } catch (Exception ignored) {
                // best effort on shutdown
            }
        }
        endpoints.clear();
    }
}
