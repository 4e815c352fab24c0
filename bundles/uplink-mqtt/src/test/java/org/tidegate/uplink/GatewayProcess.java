package org.tidegate.uplink;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.tidegate.crypto.ContentType;
import org.tidegate.crypto.PemKeys;
import org.tidegate.uplink.bench.UplinkRig;
import org.tidegate.uplink.mqtt.UplinkOptions;

/**
 * A gateway uplink in a JVM of its own, for kill tests: {@code DATA KEYS BROKER PRODUCE RATE [CAFILE]}.
 * Opens the SQLite store under DATA, seals {@code PRODUCE} telemetry messages into it (writing their sequence
 * numbers to DATA/produced-N.txt), then starts the uplink draining at RATE messages/s (0 = unlimited) and runs
 * until killed.
 */
public final class GatewayProcess {
    private GatewayProcess() {
    }

    public static void main(String[] args) throws Exception {
        Path data = Path.of(args[0]);
        Path keys = Path.of(args[1]);
        String broker = args[2];
        int produce = Integer.parseInt(args[3]);
        double rate = Double.parseDouble(args[4]);
        UplinkOptions options = UplinkOptions.defaults(DeliveryTest.GW, broker).withReconnect(200, 2000)
                .withFlow(16, rate).withProgressLog(1000);
        if (args.length > 5) {
            options = options.withTls(Path.of(args[5]), null, null);
        }
        UplinkRig rig = UplinkRig.open(data, options, PemKeys.readPrivateKey(keys.resolve("gateway.key.pem")), "cloud",
                PemKeys.readPublicKey(keys.resolve("cloud.pub.pem")), null);
        if (produce > 0) {
            List<String> seqs = new ArrayList<>();
            for (int i = 0; i < produce; i++) {
                long seq = rig.outbox().submit(ContentType.TELEMETRY, "wl-001", 4,
                        ("{\"gateway\":\"" + DeliveryTest.GW + "\",\"device\":\"wl-001\",\"i\":" + i + "}").getBytes(StandardCharsets.UTF_8));
                seqs.add(Long.toString(seq));
            }
            Files.write(data.resolve("produced-" + ProcessHandle.current().pid() + ".txt"), seqs);
        }
        System.out.println("GATEWAY READY produced=" + produce);
        System.out.flush();
        rig.start();
        Thread.sleep(Long.MAX_VALUE);
    }
}
