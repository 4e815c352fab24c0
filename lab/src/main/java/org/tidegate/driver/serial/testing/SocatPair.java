package org.tidegate.driver.serial.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Two connected pseudo-terminals made by {@code socat}: what one end writes, the other reads, like the two
 * ends of an RS-485 cable. The links are created inside a directory of the caller's choice (a test's
 * {@code @TempDir}) so that parallel runs never collide.
 */
public final class SocatPair implements AutoCloseable {
    private final Process process;
    private final Path a;
    private final Path b;

    private SocatPair(Process process, Path a, Path b) {
        this.process = process;
        this.a = a;
        this.b = b;
    }

    /**
     * Starts socat and waits (up to 10 s) until both links exist and socat says it relays ("starting data transfer
     * loop", printed at {@code -d -d}): the links appear while socat is still setting the ptys up, and a request
     * written in that gap may be lost (a CI run once lost every request of a 2 s test that way).
     */
    public static SocatPair start(Path dir) throws IOException, InterruptedException {
        Path a = dir.resolve("ttyA");
        Path b = dir.resolve("ttyB");
        Process p = new ProcessBuilder("socat", "-d", "-d",
                "pty,raw,echo=0,link=" + a, "pty,raw,echo=0,link=" + b)
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("socat.log").toFile())
                .start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        Path log = dir.resolve("socat.log");
        while (!(Files.exists(a) && Files.exists(b) && Files.readString(log).contains("starting data transfer loop"))) {
            if (!p.isAlive()) {
                throw new IOException("socat exited with " + p.exitValue() + ": " + Files.readString(dir.resolve("socat.log")));
            }
            if (System.nanoTime() > deadline) {
                p.destroyForcibly();
                throw new IOException("socat did not create " + a + " and " + b + " and start relaying within 10 s: "
                        + Files.readString(log));
            }
            Thread.sleep(20);
        }
        return new SocatPair(p, a, b);
    }

    public Path endA() {
        return a;
    }

    public Path endB() {
        return b;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(3, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(3, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
