package org.tidegate.uplink.bench;

import java.util.List;

/** Runs {@code tidegate bench uplink} from the test class path until the launcher exposes it. Not a test. */
public final class RunUplinkBenchmark {
    private RunUplinkBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        System.exit(new UplinkBenchmark().run(List.of(args), System.out));
    }
}
