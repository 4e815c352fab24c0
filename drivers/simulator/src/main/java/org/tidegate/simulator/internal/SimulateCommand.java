package org.tidegate.simulator.internal;

import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.Locale;
import org.tidegate.core.cli.Args;
import org.tidegate.core.cli.DurationConverter;
import org.tidegate.core.cli.PicocliCommand;
import org.tidegate.driver.serial.SerialSettings;
import org.tidegate.driver.sl651.codec.Encoding;
import org.tidegate.driver.sl651.station.SimulatedStation;
import org.tidegate.simulator.HydroStation;
import org.tidegate.simulator.MeterBusSite;
import org.tidegate.simulator.Scenario;
import org.tidegate.simulator.Simulator;
import org.tidegate.simulator.SiteModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code tidegate simulate}: the riverside field devices as Modbus TCP and RTU slaves. */
@Command(name = "simulate", description = {
        "run simulated field devices: Modbus TCP/RTU slaves, DL/T 645 meters, an SL 651 station", "",
        "Serves unit 1 radar water-level sensor, unit 2 three-phase power meter, unit 3 rain gauge",
        "(register maps: docs/simulators.md) on Modbus TCP and, with --rtu-port, as Modbus RTU slaves on that serial",
        "port, e.g. one end of `socat -d -d pty,raw,echo=0,link=/tmp/ttyA pty,raw,echo=0,link=/tmp/ttyB`.",
        "A flood raises the level 0.3 m per 10 simulated minutes.", "",
        "--dlt645-port serves three DL/T 645-2007 meters (addresses 000000000001 pump supply, ...02 lighting,",
        "...03 auxiliary) on that serial port, 2400 8E1 unless told. --sl651-port (a serial port) or",
        "--sl651-tcp (connect to a centre listening there) runs an SL 651-2014 station that sends a timed",
        "report (32) every --sl651-interval and an added report (33) when the level moves 0.1 m, and sends a",
        "report again when the centre does not acknowledge it."})
public final class SimulateCommand implements PicocliCommand {
    @Option(names = "--tcp-port", paramLabel = "N", defaultValue = "5020",
            description = "Modbus TCP port (default ${DEFAULT-VALUE}; 0 picks a free port, -1 disables TCP)")
    int tcpPort;

    @Option(names = "--bind", paramLabel = "ADDR", defaultValue = "127.0.0.1", description = "TCP address (default ${DEFAULT-VALUE})")
    String bind;

    @Option(names = "--rtu-port", paramLabel = "PATH", description = "serve Modbus RTU on this serial port too")
    String rtuPort;

    @Option(names = "--baud", paramLabel = "N", defaultValue = "9600", description = "RTU baud rate (default ${DEFAULT-VALUE})")
    int baud;

    @Option(names = "--parity", paramLabel = "none|even|odd", defaultValue = "none", description = "RTU parity (default ${DEFAULT-VALUE})")
    String parity;

    @Option(names = "--duration", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "stop after this much real time (e.g. 60s; default: run until interrupted)")
    java.time.Duration durationOption;

    @Option(names = "--speed", paramLabel = "N", defaultValue = "1",
            description = "simulated seconds per real second (60: one minute per second; default ${DEFAULT-VALUE})")
    double speed;

    @Option(names = "--scenario", paramLabel = "normal|flood|recede", defaultValue = "normal",
            description = "the site's weather (default ${DEFAULT-VALUE})")
    String scenarioName;

    @Option(names = "--dlt645-port", paramLabel = "PATH", description = "serve three DL/T 645-2007 meters on this serial port")
    String dlt645Port;

    @Option(names = "--dlt645-baud", paramLabel = "N", defaultValue = "2400", description = "DL/T 645 baud rate (default ${DEFAULT-VALUE})")
    int dlt645Baud;

    @Option(names = "--dlt645-parity", paramLabel = "none|even|odd", defaultValue = "even",
            description = "DL/T 645 parity (default ${DEFAULT-VALUE})")
    String dlt645Parity;

    @Option(names = "--sl651-port", paramLabel = "PATH", description = "run an SL 651 station on this serial port")
    String stationPort;

    @Option(names = "--sl651-tcp", paramLabel = "HOST:PORT", description = "run an SL 651 station connecting to a centre there")
    String stationTcp;

    @Option(names = "--sl651-station", paramLabel = "HEX10", defaultValue = "0011223344",
            description = "the station's address, 10 hex digits (default ${DEFAULT-VALUE})")
    String station;

    @Option(names = "--sl651-centre", paramLabel = "N", defaultValue = "5", description = "the centre's address 1-255 (default ${DEFAULT-VALUE})")
    int centre;

    @Option(names = "--sl651-password", paramLabel = "HEX4", defaultValue = "03E8", description = "the station's password (default ${DEFAULT-VALUE})")
    String passwordHex;

    @Option(names = "--sl651-encoding", paramLabel = "hex|ascii", defaultValue = "hex",
            description = "how the SL 651 station writes its frames: hex (HEX/BCD, 7E 7E) or ascii (SOH 01) (default ${DEFAULT-VALUE})")
    String stationEncoding;

    @Option(names = "--sl651-interval", paramLabel = "DURATION", converter = DurationConverter.class, defaultValue = "60s",
            description = "timed report interval (default ${DEFAULT-VALUE})")
    Duration interval;

    @Override
    public int run(PrintStream out, PrintStream err) throws Exception {
        long durationMs = durationOption == null ? 0 : durationOption.toMillis();
        if (!(speed > 0)) {
            throw new Args.UsageException("option --speed must be positive");
        }
        Scenario scenario;
        SerialSettings serial = null;
        try {
            scenario = Scenario.parse(scenarioName);
            if (rtuPort != null) {
                serial = new SerialSettings(rtuPort, baud, SerialSettings.Parity.parse(parity), 8, 1);
            }
        } catch (IllegalArgumentException e) {
            throw new Args.UsageException(e.getMessage());
        }
        SerialSettings meters = null;
        int password;
        try {
            if (dlt645Port != null) {
                meters = new SerialSettings(dlt645Port, dlt645Baud, SerialSettings.Parity.parse(dlt645Parity), 8, 1);
            }
            password = Integer.parseInt(passwordHex, 16);
        } catch (IllegalArgumentException e) {
            throw new Args.UsageException(e.getMessage());
        }
        if (stationPort != null && stationTcp != null) {
            throw new Args.UsageException("give --sl651-port or --sl651-tcp, not both");
        }
        if (!station.matches("[0-9A-Fa-f]{10}")) {
            throw new Args.UsageException("option --sl651-station must be 10 hex digits, got \"" + station + "\"");
        }
        if (centre < 1 || centre > 255 || password < 0 || password > 0xFFFF || interval.toSeconds() < 1) {
            throw new Args.UsageException("--sl651-centre is 1-255, --sl651-password 4 hex digits, --sl651-interval at least 1s");
        }
        Encoding encoding = switch (stationEncoding.toLowerCase(Locale.ROOT)) {
            case "hex" -> Encoding.HEX;
            case "ascii" -> Encoding.ASCII;
            default -> throw new Args.UsageException("option --sl651-encoding must be hex or ascii, got \"" + stationEncoding + "\"");
        };
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
                        st = SimulatedStation.serial(SerialSettings.of(stationPort, 9600), station, centre, password, zone, 3000, 2,
                                encoding);
                    } else {
                        int colon = stationTcp.lastIndexOf(':');
                        if (colon < 1) {
                            throw new Args.UsageException("option --sl651-tcp must be HOST:PORT, got \"" + stationTcp + "\"");
                        }
                        st = SimulatedStation.tcp(stationTcp.substring(0, colon), Integer.parseInt(stationTcp.substring(colon + 1)),
                                station, centre, password, zone, 3000, 2, encoding);
                    }
                    more.add(new HydroStation(sim.site(), st, zone, interval).start());
                    out.printf("SL 651 station %s to centre %d on %s, %s frames, timed report every %d s%n", station.toUpperCase(Locale.ROOT),
                            centre, stationPort != null ? stationPort : "tcp " + stationTcp, encoding.word(), interval.toSeconds());
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
            long end = durationMs > 0 ? System.nanoTime() + durationMs * 1_000_000L : Long.MAX_VALUE;
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
