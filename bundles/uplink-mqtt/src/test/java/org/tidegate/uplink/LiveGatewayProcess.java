package org.tidegate.uplink;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.tidegate.crypto.ContentType;
import org.tidegate.crypto.PemKeys;
import org.tidegate.uplink.bench.UplinkRig;
import org.tidegate.uplink.mqtt.UplinkOptions;

/**
 * A live gateway uplink in a JVM of its own: {@code DATA KEYS BROKER RATE}. Submits one telemetry message every
 * 1/RATE s (its sequence appended to DATA/produced.txt) while the uplink drains, and prints a line
 * {@code HEAP live-bytes used-bytes max-bytes dropped=N connects=N} every 200 ms, so that a test can watch its heap. A line
 * on standard input stops the production; once the store is empty it prints {@code DRAINED}.
 */
public final class LiveGatewayProcess {
    private LiveGatewayProcess() {
    }

    public static void main(String[] args) throws Exception {
        Path data = Path.of(args[0]);
        Path keys = Path.of(args[1]);
        String broker = args[2];
        double rate = Double.parseDouble(args[3]);
        UplinkOptions options = UplinkOptions.defaults(DeliveryTest.GW, broker).withReconnect(200, 2000)
                .withFlow(16, 0).withProgressLog(1000);
        UplinkRig rig = UplinkRig.open(data, options, PemKeys.readPrivateKey(keys.resolve("gateway.key.pem")), "cloud",
                PemKeys.readPublicKey(keys.resolve("cloud.pub.pem")), null).start();
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        Thread stdin = new Thread(() -> {
            try {
                new java.io.BufferedReader(new java.io.InputStreamReader(System.in)).readLine();
            } catch (java.io.IOException ignored) {
                // closed
            }
            stop.set(true);
        });
        stdin.setDaemon(true);
        stdin.start();
        System.out.println("GATEWAY READY");
        System.out.flush();
        long periodNanos = (long) (1e9 / rate);
        long next = System.nanoTime();
        long lastHeap = 0;
        Runtime rt = Runtime.getRuntime();
        try (PrintWriter produced = new PrintWriter(Files.newBufferedWriter(data.resolve("produced.txt"),
                StandardCharsets.UTF_8))) {
            for (int i = 0; !stop.get(); i++) {
                long seq = rig.outbox().submit(ContentType.TELEMETRY, "wl-001", 4,
                        ("{\"gateway\":\"" + DeliveryTest.GW + "\",\"device\":\"wl-001\",\"i\":" + i + "}").getBytes(StandardCharsets.UTF_8));
                produced.println(seq);
                produced.flush();
                if (System.nanoTime() - lastHeap > 200_000_000L) {
                    lastHeap = System.nanoTime();
                    long live = 0; // heap in use after the last collection of each pool: the live set, not garbage
                    for (java.lang.management.MemoryPoolMXBean pool
                            : java.lang.management.ManagementFactory.getMemoryPoolMXBeans()) {
                        if (pool.getType() == java.lang.management.MemoryType.HEAP && pool.getCollectionUsage() != null) {
                            live += pool.getCollectionUsage().getUsed();
                        }
                    }
                    System.out.println("HEAP " + live + " " + (rt.totalMemory() - rt.freeMemory()) + " " + rt.maxMemory()
                            + " dropped=" + rig.uplink().state().framesDropped()
                            + " connects=" + rig.uplink().state().connects());
                    System.out.flush();
                }
                next += periodNanos;
                long sleep = next - System.nanoTime();
                if (sleep > 0) {
                    Thread.sleep(sleep / 1_000_000, (int) (sleep % 1_000_000));
                }
            }
        }
        while (rig.queue().stats().messages() > 0) {
            Thread.sleep(50);
        }
        System.out.println("DRAINED dropped=" + rig.uplink().state().framesDropped() + " connects="
                + rig.uplink().state().connects());
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
