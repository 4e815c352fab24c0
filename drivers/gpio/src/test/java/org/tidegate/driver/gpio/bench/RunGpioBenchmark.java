package org.tidegate.driver.gpio.bench;

import java.util.List;
import org.tidegate.driver.gpio.internal.GpioBenchmark;

/** Runs {@code tidegate bench gpio} before the launcher exists: see docs/gpio.md for the command. */
public final class RunGpioBenchmark {
    private RunGpioBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        System.exit(new GpioBenchmark().run(List.of(args), System.out));
    }
}
