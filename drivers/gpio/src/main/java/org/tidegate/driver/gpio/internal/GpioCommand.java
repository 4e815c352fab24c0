package org.tidegate.driver.gpio.internal;

import java.io.PrintStream;
import java.nio.file.Path;
import org.tidegate.core.cli.PicocliCommand;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code tidegate gpio}: what real GPIO would use on this board (docs/gpio.md, "Checking a board"): the gpiod native
 * libraries for this architecture and every GPIO chip this user can open. Exit 0 when real GPIO is usable.
 */
@Command(name = "gpio", description = {
        "check real GPIO on this board: gpiod native libraries, GPIO chips this user can open", "",
        "Loads Pi4J's gpiod native libraries for this architecture (aarch64, armhf) and opens every",
        "DIR/gpiochip* (default /dev) as the gateway would, printing name, label and line count.",
        "Exit 0 when real GPIO is usable, 1 with the reason when it is not. Run it as the service user:",
        "  sudo -u tidegate tidegate gpio"})
public class GpioCommand implements PicocliCommand {
    @Option(names = "--dev", paramLabel = "DIR", description = "where the GPIO chips are (default: ${DEFAULT-VALUE})")
    Path dev = GpioBackend.DEV;

    @Override
    public int run(PrintStream out, PrintStream err) throws Exception {
        GpiodProbe.Report r = GpiodProbe.probe(dev);
        out.println("architecture: " + r.architecture());
        out.println("gpiod native libraries: " + (r.nativeProblem() == null ? "loaded" : r.nativeProblem()));
        for (GpiodProbe.Chip c : r.chips()) {
            out.println(c.opened()
                    ? "  " + c.device() + ": " + c.name() + " [" + c.label() + "] " + c.lines() + " lines"
                    : "  " + c.device() + ": " + c.problem());
        }
        String problem = r.problem(dev);
        if (problem != null) {
            err.println("gpio: real GPIO unavailable: " + problem);
            return 1;
        }
        out.println("real GPIO usable: provider auto will use gpiod");
        return 0;
    }
}
