package org.tidegate.uplink;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.tidegate.crypto.ContentType;
import org.tidegate.crypto.PemKeys;
import org.tidegate.uplink.bench.UplinkRig;
import org.tidegate.uplink.mqtt.CommandProcessor;
import org.tidegate.uplink.mqtt.UplinkOptions;

/**
 * A running gateway uplink in a JVM of its own for the flood test: {@code DATA KEYS BROKER}. Submits telemetry of
 * {@code wl-001} every 50 ms; reads commands from stdin: {@code alarm N} submits an alarm at once, {@code stats}
 * prints {@code STATS accepted=… refused=… replies=… …}. Its command handler prints {@code RAN} for op
 * {@code count}. Everything it logs goes to stdout, so the test can count the lines.
 */
public final class FloodGatewayProcess {
    private FloodGatewayProcess() {
    }

    public static void main(String[] args) throws Exception {
        Path data = Path.of(args[0]);
        Path keys = Path.of(args[1]);
        UplinkOptions options = UplinkOptions.defaults(DeliveryTest.GW, args[2]).withReconnect(200, 2000);
        CommandHandler count = (command, body) -> {
            if (!body.path("op").asText().equals("count")) {
                return Optional.empty();
            }
            System.out.println("RAN seq=" + command.sequence());
            return Optional.of(JsonNodeFactory.instance.objectNode().put("ran", true));
        };
        UplinkRig rig = UplinkRig.open(data, options, PemKeys.readPrivateKey(keys.resolve("gateway.key.pem")), "cloud",
                PemKeys.readPublicKey(keys.resolve("cloud.pub.pem")), null, List.of(count)).start();
        Thread telemetry = new Thread(() -> {
            for (long i = 0; ; i++) {
                try {
                    rig.outbox().submit(ContentType.TELEMETRY, "wl-001", 4, ("{\"gateway\":\"" + DeliveryTest.GW
                            + "\",\"device\":\"wl-001\",\"i\":" + i + "}").getBytes(StandardCharsets.UTF_8));
                    Thread.sleep(50);
                } catch (Exception e) {
                    return;
                }
            }
        }, "telemetry");
        telemetry.setDaemon(true);
        telemetry.start();
        System.out.println("GATEWAY READY");
        System.out.flush();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line; (line = in.readLine()) != null; ) {
            if (line.startsWith("alarm ")) {
                rig.outbox().submit(ContentType.ALARM, "wl-001", 9, ("{\"gateway\":\"" + DeliveryTest.GW
                        + "\",\"device\":\"wl-001\",\"event\":\"flood-probe\",\"n\":" + line.substring(6).trim()
                        + ",\"state\":\"raised\"}").getBytes(StandardCharsets.UTF_8));
            } else if (line.equals("stats")) {
                CommandProcessor.Stats s = rig.commands().processor().stats();
                System.out.println("STATS accepted=" + s.accepted() + " refusalReplies=" + s.refusalReplies()
                        + " refusalRepliesSuppressed=" + s.refusalRepliesSuppressed() + " logLines=" + s.logLines()
                        + " logLinesSuppressed=" + s.logLinesSuppressed() + " queueFull=" + rig.commands().refusedFull()
                        + " evicted=" + rig.queue().stats().evictedTotal() + " refused=" + s.refused());
            }
            System.out.flush();
        }
        rig.close();
    }
}
