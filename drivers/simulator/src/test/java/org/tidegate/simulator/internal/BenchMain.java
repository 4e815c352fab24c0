package org.tidegate.simulator.internal;

import java.util.List;

/**
 * Runs {@code tidegate bench modbus} without the launcher:
 * {@code java -cp target/classes:target/test-classes:$(cat target/cp.txt) org.tidegate.simulator.internal.BenchMain --runs 5}.
 * Not a test.
 */
public final class BenchMain {
    private BenchMain() {
    }

    public static void main(String[] args) throws Exception {
        System.exit(new ModbusBench().run(List.of(args), System.out));
    }
}
