package org.tidegate.simulator.internal;

import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.tidegate.core.cli.Args;
import org.tidegate.core.cli.Subcommand;
import org.tidegate.driver.serial.SerialSettings;
import org.tidegate.driver.sl651.station.SimulatedStation;
import org.tidegate.simulator.HydroStation;
import org.tidegate.simulator.MeterBusSite;
import org.tidegate.simulator.Scenario;
import org.tidegate.simulator.Simulator;
import org.tidegate.simulator.SiteModel;

/** {@code tidegate simulate}: the riverside field devices as Modbus TCP and RTU slaves. */
public final class SimulateCommand implements Subcommand {

    @Override
    public String name() {
        return "simulate";
    }

    @Override
    public String summary() {
        return "run simulated field devices: Modbus TCP/RTU slaves, DL/T 645 meters, an SL 651 station";
    }

    @Override
    public String usage() {
        return """
                usage: tidegate simulate [--tcp-port N] [--bind ADDR] [--rtu-port PATH] [--baud N] [--parity none|even|odd]
                                         [--duration 60s] [--speed 60] [--scenario normal|flood|recede]
                                         [--dlt645-port PATH] [--dlt645-baud 2400] [--dlt645-parity even]
                                         [--sl651-port PATH | --sl651-tcp HOST:PORT] [--sl651-station 0011223344]
                                         [--sl651-centre 5] [--sl651-password 03E8] [--sl651-interval 60s]

                Serves unit 1 radar water-level sensor, unit 2 three-phase power meter, unit 3 rain gauge
                (register maps: docs/simulators.md) on Modbus TCP (default 127.0.0.1:5020; --tcp-port 0 picks
                a free port, --tcp-port -1 disables TCP) and, with --rtu-port, as Modbus RTU slaves on that serial
                port, e.g. one end of `socat -d -d pty,raw,echo=0,link=/tmp/ttyA pty,raw,echo=0,link=/tmp/ttyB`.
                --speed runs simulated time faster (60: one minute per second); --duration stops after that much
                real time (default: run until interrupted). A flood raises the level 0.3 m per 10 simulated minutes.

                --dlt645-port serves three DL/T 645-2007 meters (addresses 000000000001 pump supply, ...02 lighting,
                ...03 auxiliary) on that serial port, 2400 8E1 unless told. --sl651-port (a serial port) or
                --sl651-tcp (connect to a centre listening there) runs an SL 651-2014 station that sends a timed
                report (32) every --sl651-interval and an added report (33) when the level moves 0.1 m, and sends a
                report again when the centre does not acknowledge it.
                """;
    }

    @Override
    public int run(List<String> argv, PrintStream out, PrintStream err) throws Exception {
        Args a = Args.parse(argv, Set.of("tcp-port", "bind", "rtu-port", "baud", "parity", "duration", "speed", "scenario",
                "dlt645-port", "dlt645-baud", "dlt645-parity", "sl651-port", "sl651-tcp", "sl651-station", "sl651-centre", "sl651-password",
                "sl651-interval"), Set.of());
        if (!a.positional().isEmpty()) {
            throw new Args.UsageException("unexpected argument " + a.positional().get(0));
        }
        int tcpPort = a.intValue("tcp-port", 5020);
        String bind = a.get("bind", "127.0.0.1");
        String rtuPort = a.get("rtu-port");
        long duration = a.durationSeconds("duration", 0);
        double speed;
        try {
            speed = Double.parseDouble(a.get("speed", "1"));
        } catch (NumberFormatException e) {
            throw new Args.UsageException("option --speed must be a number, got \"" + a.get("speed") + "\"");
        }
        if (!(speed > 0)) {
            throw new Args.UsageException("option --speed must be positive");
        }
        Scenario scenario;
        SerialSettings serial = null;
        try {
            scenario = Scenario.parse(a.get("scenario", "normal"));
            if (rtuPort != null) {
                serial = new SerialSettings(rtuPort, a.intValue("baud", 9600),
                        SerialSettings.Parity.parse(a.get("parity", "none")), 8, 1);
            }
        } catch (IllegalArgumentException e) {
            throw new Args.UsageException(e.getMessage());
        }
        SerialSettings meters = null;
        String stationPort = a.get("sl651-port");
        String stationTcp = a.get("sl651-tcp");
        String station = a.get("sl651-station", "0011223344");
        int centre = a.intValue("sl651-centre", 5);
        int password;
        long interval = a.durationSeconds("sl651-interval", 60);
        try {
            if (a.get("dlt645-port") != null) {
                meters = new SerialSettings(a.get("dlt645-port"), a.intValue("dlt645-baud", 2400),
                        SerialSettings.Parity.parse(a.get("dlt645-parity", "even")), 8, 1);
            }
            password = Integer.parseInt(a.get("sl651-password", "03E8"), 16);
        } catch (IllegalArgumentException e) {
            throw new Args.UsageException(e.getMessage());
        }
        if (stationPort != null && stationTcp != null) {
            throw new Args.UsageException("give --sl651-port or --sl651-tcp, not both");
        }
        if (!station.matches("[0-9A-Fa-f]{10}")) {
            throw new Args.UsageException("option --sl651-station must be 10 hex digits, got \"" + station + "\"");
        }
        if (centre < 1 || centre > 255 || password < 0 || password > 0xFFFF || interval < 1) {
            throw new Args.UsageException("--sl651-centre is 1-255, --sl651-password 4 hex digits, --sl651-interval at least 1s");
        }
        if (tcpPort < 0 && serial == null && meters == null && stationPort == null && stationTcp == null) {
            throw new Args.UsageException("nothing to serve: TCP is disabled and no --rtu-port, --dlt645-port or --sl651-port/--sl651-tcp given");
        }
        List<AutoCloseable> more = new java.util.ArrayList<>();
        try (Simulator sim = new Simulator(new SiteModel(speed, System.nanoTime()))) {
            sim.scenario(scenario);
            try {
                if (meters != null) {
                    more.add(MeterBusSite.start(sim.site(), meters));
                    out.printf("DL/T 645 meters %s on %s%n", String.join(", ", MeterBusSite.ADDRESSES), meters);
                }
                if (stationPort != null || stationTcp != null) {
                    ZoneId zone = ZoneId.of("Asia/Shanghai");
                    SimulatedStation st;
                    if (stationPort != null) {
                        st = SimulatedStation.serial(SerialSettings.of(stationPort, 9600), station, centre, password, zone, 3000, 2);
                    } else {
                        int colon = stationTcp.lastIndexOf(':');
                        if (colon < 1) {
                            throw new Args.UsageException("option --sl651-tcp must be HOST:PORT, got \"" + stationTcp + "\"");
                        }
                        st = SimulatedStation.tcp(stationTcp.substring(0, colon), Integer.parseInt(stationTcp.substring(colon + 1)),
                                station, centre, password, zone, 3000, 2);
                    }
                    more.add(new HydroStation(sim.site(), st, zone, Duration.ofSeconds(interval)).start());
                    out.printf("SL 651 station %s to centre %d on %s, timed report every %d s%n", station.toUpperCase(Locale.ROOT), centre,
                            stationPort != null ? stationPort : "tcp " + stationTcp, interval);
                }
                if (tcpPort >= 0) {
                    int port = sim.startTcp(bind, tcpPort);
                    out.printf("Modbus TCP on %s:%d%n", bind, port);
                }
                if (serial != null) {
                    sim.startRtu(serial);
                    out.printf("Modbus RTU on %s%n", serial);
                }
            } catch (IOException | NumberFormatException e) {
                err.println("simulate: " + e.getMessage());
                closeAll(more);
                return 1;
            }
            out.println("units: 1 radar level (hr 0-1 float32 m), 2 power meter (ir 0-17, 52, 70, 72 float32),"
                    + " 3 rain gauge (hr 0-1 uint32 tips); scenario " + scenario.name().toLowerCase(Locale.ROOT)
                    + ", speed x" + speed);
            out.flush();
            long end = duration > 0 ? System.nanoTime() + duration * 1_000_000_000L : Long.MAX_VALUE;
            while (System.nanoTime() - end < 0) {
                long left = (end - System.nanoTime()) / 1_000_000L;
                Thread.sleep(Math.max(1, Math.min(10_000, left)));
                SiteModel s = sim.site();
                out.printf(Locale.ROOT, "t=%.0fs level=%.3f m rain tips=%d pump=%s energy=%.2f kWh%n",
                        s.simSeconds(), s.level(), s.tips(), s.pumpOn() ? "on" : "off", s.energyKwh());
                out.flush();
            }
        } finally {
            closeAll(more);
        }
        return 0;
    }

    private static void closeAll(List<AutoCloseable> l) {
        for (AutoCloseable c : l) {
            try {
                c.close();
            } catch (Exception ignored) {
                // best effort on shutdown
            }
        }
        l.clear();
    }
}
