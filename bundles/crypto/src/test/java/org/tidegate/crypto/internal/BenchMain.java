package org.tidegate.crypto.internal;

import java.util.List;

/**
 * Runs the crypto benchmark outside the launcher, from the test class path:
 * {@code java -cp target/classes:target/test-classes:$(cat target/cp.txt) org.tidegate.crypto.internal.BenchMain [--runs 5]}.
 * Not a test.
 */
public final class BenchMain {
    private BenchMain() {
    }

    public static void main(String[] args) throws Exception {
        System.exit(new CryptoBenchmark().run(List.of(args), System.out));
    }
}
