package org.tidegate.simulator.internal;

import java.io.IOException;
import java.io.PrintStream;
import java.util.Locale;
import org.tidegate.core.cli.Args;
import org.tidegate.core.cli.DurationConverter;
import org.tidegate.core.cli.PicocliCommand;
import org.tidegate.driver.serial.SerialSettings;
import org.tidegate.simulator.Scenario;
import org.tidegate.simulator.Simulator;
import org.tidegate.simulator.SiteModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code tidegate simulate}: the riverside field devices as Modbus TCP and RTU slaves. */
@Command(name = "simulate", description = {
        "run simulated field devices (radar level, rain gauge, power meter) as Modbus TCP/RTU slaves", "",
        "Serves unit 1 radar water-level sensor, unit 2 three-phase power meter, unit 3 rain gauge",
        "(register maps: docs/simulators.md) on Modbus TCP and, with --rtu-port, as Modbus RTU slaves on that serial",
        "port, e.g. one end of `socat -d -d pty,raw,echo=0,link=/tmp/ttyA pty,raw,echo=0,link=/tmp/ttyB`.",
        "A flood raises the level 0.3 m per 10 simulated minutes."})
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
        if (tcpPort < 0 && serial == null) {
            throw new Args.UsageException("nothing to serve: TCP is disabled and no --rtu-port given");
        }
        try (Simulator sim = new Simulator(new SiteModel(speed, System.nanoTime()))) {
            sim.scenario(scenario);
            try {
                if (tcpPort >= 0) {
                    int port = sim.startTcp(bind, tcpPort);
                    out.printf("Modbus TCP on %s:%d%n", bind, port);
                }
                if (serial != null) {
                    sim.startRtu(serial);
                    out.printf("Modbus RTU on %s%n", serial);
                }
            } catch (IOException e) {
                err.println("simulate: " + e.getMessage());
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
        }
        return 0;
    }
}
