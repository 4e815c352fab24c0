package org.tidegate.store.internal;

import java.util.List;

/**
 * Runs {@code tidegate bench store} without the launcher:
 * {@code mvn -q -pl store-forward exec:java -Dexec.classpathScope=test -Dexec.mainClass=org.tidegate.store.internal.RunStoreBenchmark -Dexec.args="--runs 3"}.
 * Not a test: performance is measured, never asserted.
 */
public final class RunStoreBenchmark {
    private RunStoreBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        System.exit(new StoreBenchmark().run(List.of(args), System.out));
    }
}
