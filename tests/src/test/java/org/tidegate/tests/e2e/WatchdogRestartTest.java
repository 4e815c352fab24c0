package org.tidegate.tests.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14: the watchdog restarts a gateway whose uplink thread is stuck. The real distribution runs as systemd would
 * run it under {@code Type=notify} with {@code WatchdogSec=}: {@code NOTIFY_SOCKET} names a Unix datagram socket
 * (bound here by Python, as the JDK cannot) and {@code WATCHDOG_USEC} the timeout. This test plays systemd's part:
 * it kills the gateway when no WATCHDOG=1 arrived for WATCHDOG_USEC, and starts it again. The stall is the test hook
 * {@code tidegate.test.stall=uplink} (the real uplink thread blocks in its heartbeat); the allowed silence is capped
 * at 3 s ({@code tidegate.liveness.maxSilenceSeconds}) to keep the test short.
 */
@Timeout(240)
class WatchdogRestartTest {
    static final Path DIST = Path.of("../launcher/target/tidegate/bin/tidegate").toAbsolutePath().normalize();
    static final long WATCHDOG_USEC = 2_000_000;

    @TempDir
    Path tmp;

    record Datagram(String text, long atNanos) {
    }

    @Test
    void aStuckUplinkStopsTheFeedingAndTheRestartedGatewayFeedsAgain() throws Exception {
        Path home = tmp.resolve("home");
        run(DIST.toString(), "keygen", "--out", tmp.resolve("cloud").toString());
        run(DIST.toString(), "provision", "--home", home.toString(), "--id", "gw-watchdog", "--broker",
                "tcp://127.0.0.1:1", "--cloud-key", tmp.resolve("cloud.pub.pem").toString());
        List<Datagram> got = new CopyOnWriteArrayList<>();
        Process peer = notifyPeer(tmp.resolve("notify.sock"), got);
        try {
            // 1: the uplink wedges 6 s after it registered.
            Process gw = gateway(home, "-Dtidegate.test.stall=uplink -Dtidegate.test.stallAfterMs=6000", "gw1.log");
            long ready = await(got, "READY=1|STATUS=running: gateway gw-watchdog", 0, 120);
            long stalled = await(got, "STATUS=watchdog not fed: uplink silent for*", ready, 60);
            long fedBefore = got.stream().filter(d -> d.text().equals("WATCHDOG=1") && d.atNanos() < stalled).count();
            assertTrue(fedBefore >= 3, "fed " + fedBefore + " times while healthy: " + got);
            // systemd's rule: no WATCHDOG=1 within WATCHDOG_USEC -> kill. Wait that long and a margin, then check.
            Thread.sleep(TimeUnit.MICROSECONDS.toMillis(WATCHDOG_USEC) * 2);
            long fedAfter = got.stream().filter(d -> d.text().equals("WATCHDOG=1") && d.atNanos() > stalled).count();
            assertEquals(0, fedAfter, "fed after the uplink stalled: " + got);
            long lastFeed = got.stream().filter(d -> d.text().equals("WATCHDOG=1")).mapToLong(Datagram::atNanos).max().orElse(0);
            assertTrue(System.nanoTime() - lastFeed > TimeUnit.MICROSECONDS.toNanos(WATCHDOG_USEC),
                    "the watchdog would not have fired");
            assertTrue(gw.isAlive(), "the gateway exited by itself; the watchdog is what must end it");
            gw.destroyForcibly(); // what systemd does after WatchdogSec (SIGABRT, then SIGKILL)
            assertTrue(gw.waitFor(30, TimeUnit.SECONDS));
            assertTrue(Files.readString(tmp.resolve("gw1.log")).contains("watchdog: NOT feeding the service manager: uplink silent"));

            // 2: Restart=on-failure starts a fresh one, which is ready and fed past the 3 s cap.
            int before = got.size();
            Process again = gateway(home, "", "gw2.log");
            long ready2 = await(got, "READY=1|STATUS=running: gateway gw-watchdog", before == 0 ? 0 : got.get(before - 1).atNanos(), 120);
            Thread.sleep(5_000);
            long fed2 = got.stream().filter(d -> d.text().equals("WATCHDOG=1") && d.atNanos() > ready2).count();
            assertTrue(fed2 >= 5, "the restarted gateway was fed " + fed2 + " times in 5 s: " + got);
            again.destroy(); // SIGTERM: a clean stop says STOPPING=1
            assertTrue(again.waitFor(60, TimeUnit.SECONDS));
            await(got, "STOPPING=1", ready2, 10);
        } finally {
            peer.destroyForcibly();
        }
    }

    private Process gateway(Path home, String javaOpts, String log) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(DIST.toString(), "run", "--home", home.toString())
                .redirectErrorStream(true).redirectOutput(tmp.resolve(log).toFile()).directory(tmp.toFile());
        pb.environment().put("NOTIFY_SOCKET", tmp.resolve("notify.sock").toString());
        pb.environment().put("WATCHDOG_USEC", String.valueOf(WATCHDOG_USEC));
        pb.environment().put("JOURNAL_STREAM", "8:12345"); // as under systemd: the journal is the log
        pb.environment().put("JAVA_OPTS", "-Dtidegate.liveness.maxSilenceSeconds=3 " + javaOpts);
        return pb.start();
    }

    /** Waits for a datagram after {@code afterNanos} equal to {@code text} (or starting with it, for a trailing '*'). */
    private static long await(List<Datagram> got, String text, long afterNanos, int seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline) {
            for (Datagram d : got) {
                boolean match = text.endsWith("*") ? d.text().startsWith(text.substring(0, text.length() - 1)) : d.text().equals(text);
                if (match && d.atNanos() > afterNanos) {
                    return d.atNanos();
                }
            }
            Thread.sleep(50);
        }
        fail("no \"" + text + "\" within " + seconds + " s; got " + got);
        return 0;
    }

    private static Process notifyPeer(Path socket, List<Datagram> got) throws Exception {
        String python = Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3" : "python3";
        String script = "import socket,sys\ns=socket.socket(socket.AF_UNIX,socket.SOCK_DGRAM)\ns.bind(sys.argv[1])\n"
                + "print('BOUND',flush=True)\nwhile True:\n    print(s.recv(65536).decode('utf-8','replace').replace('\\n','|'),flush=True)\n";
        Process p;
        try {
            p = new ProcessBuilder(python, "-c", script, socket.toString()).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new AssertionError("python3 is needed for the notify socket peer (apt-get install python3)", e);
        }
        BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        assertEquals("BOUND", in.readLine(), "the python notify peer did not start");
        Thread reader = new Thread(() -> {
            try {
                for (String line; (line = in.readLine()) != null; ) {
                    got.add(new Datagram(line, System.nanoTime()));
                }
            } catch (IOException e) {
                // peer ended
            }
        }, "notify-peer");
        reader.setDaemon(true);
        reader.start();
        return p;
    }

    private static void run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), String.join(" ", cmd) + ":\n" + out);
    }
}
