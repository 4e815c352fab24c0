package org.tidegate.simulator.internal;

import java.io.IOException;
import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.tidegate.core.cli.Args;
import org.tidegate.core.cli.Subcommand;
import org.tidegate.driver.serial.SerialSettings;
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
        return "run simulated field devices (radar level, rain gauge, power meter) as Modbus TCP/RTU slaves";
    }

    @Override
    public String usage() {
        return """
                usage: tidegate simulate [--tcp-port N] [--bind ADDR] [--rtu-port PATH] [--baud N] [--parity none|even|odd]
                                         [--duration 60s] [--speed 60] [--scenario normal|flood|recede]

                Serves unit 1 radar water-level sensor, unit 2 three-phase power meter, unit 3 rain gauge
                (register maps: docs/simulators.md) on Modbus TCP (default 127.0.0.1:5020; --tcp-port 0 picks
                a free port, --tcp-port -1 disables TCP) and, with --rtu-port, as Modbus RTU slaves on that serial
                port, e.g. one end of `socat -d -d pty,raw,echo=0,link=/tmp/ttyA pty,raw,echo=0,link=/tmp/ttyB`.
                --speed runs simulated time faster (60: one minute per second); --duration stops after that much
                real time (default: run until interrupted). A flood raises the level 0.3 m per 10 simulated minutes.
                """;
    }

    @Override
    public int run(List<String> argv, PrintStream out, PrintStream err) throws Exception {
        Args a = Args.parse(argv, Set.of("tcp-port", "bind", "rtu-port", "baud", "parity", "duration", "speed", "scenario"), Set.of());
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
            long end = duration > 0 ? System.nanoTime() + duration * 1_000_000_000L : Long.MAX_VALUE;
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
