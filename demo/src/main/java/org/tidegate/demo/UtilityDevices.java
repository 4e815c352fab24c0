package org.tidegate.demo;

import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import org.tidegate.driver.serial.SerialSettings;
import org.tidegate.driver.serial.testing.SocatPair;
import org.tidegate.driver.sl651.station.SimulatedStation;
import org.tidegate.simulator.HydroStation;
import org.tidegate.simulator.MeterBusSite;
import org.tidegate.simulator.SiteModel;
import org.tinylog.Logger;

/**
 * The demo's utility-protocol devices (issue 15): a DL/T 645-2007 meter on a socat pty pair (skipped, with a
 * line saying so, where socat is not installed) and an SL 651-2014 station reporting over TCP to the gateway,
 * which listens on a free local port. The station connects once the gateway runs ({@link #startStation}).
 */
final class UtilityDevices implements AutoCloseable {
    static final String STATION = "0011223344";
    private static final ZoneId ZONE = ZoneId.of("Asia/Shanghai");

    private final SiteModel site;
    private final int stationPort;
    private final PrintStream out;
    private SocatPair pty;
    private MeterBusSite meters;
    private volatile HydroStation station;
    private Thread connector;

    private UtilityDevices(SiteModel site, int stationPort, PrintStream out) {
        this.site = site;
        this.stationPort = stationPort;
        this.out = out;
    }

    /** Writes the meter's and the station's device files into {@code demo} and starts the meter simulator. */
    static UtilityDevices add(DemoHome demo, SiteModel site, Path home, PrintStream out) throws IOException, InterruptedException {
        int port;
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        UtilityDevices u = new UtilityDevices(site, port, out);
        demo.sl651Station("hs-001", port, STATION);
        try {
            Path dir = Files.createDirectories(home.resolve("pty"));
            u.pty = SocatPair.start(dir);
            u.meters = MeterBusSite.start(site, new SerialSettings(u.pty.endB().toString(), 2400, SerialSettings.Parity.NONE, 8, 1));
            demo.dlt645Meter("em-001", u.pty.endA().toString(), "none", MeterBusSite.PUMP_METER, 2000);
            out.println("  DL/T 645:   meter " + MeterBusSite.PUMP_METER + " (pump supply) on pty " + u.pty.endA() + ", device em-001");
        } catch (IOException e) {
            out.println("  DL/T 645:   no meter (" + e.getMessage() + "; install socat for the pty bus)");
            u.closeMeter();
        }
        out.println("  SL 651:     station " + STATION + " reports to the gateway on 127.0.0.1:" + port + ", device hs-001");
        return u;
    }

    /** Connects the station once the gateway listens (retrying for a minute) and starts its reports. */
    void startStation() {
        connector = new Thread(() -> {
            long deadline = System.nanoTime() + 60_000_000_000L;
            while (System.nanoTime() < deadline) {
                try {
                    SimulatedStation link = SimulatedStation.tcp("127.0.0.1", stationPort, STATION, 5, 0x03E8, ZONE, 3000, 2);
                    station = new HydroStation(site, link, ZONE, Duration.ofSeconds(30)).start();
                    return;
                } catch (IOException notYet) {
                    try {
                        Thread.sleep(500);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }
            out.println("SL 651 station: the gateway never listened on port " + stationPort);
        }, "demo-sl651-connect");
        connector.setDaemon(true);
        connector.start();
    }

    private void closeMeter() {
        if (meters != null) {
            meters.close();
            meters = null;
        }
        if (pty != null) {
            pty.close();
            pty = null;
        }
    }

    @Override
    public void close() {
        if (connector != null) {
            connector.interrupt();
        }
        HydroStation s = station;
        if (s != null) {
            s.close();
        }
        try {
            closeMeter();
        } catch (RuntimeException e) {
            Logger.debug("demo: closing the meter simulator: {}", e.getMessage());
        }
    }
}
