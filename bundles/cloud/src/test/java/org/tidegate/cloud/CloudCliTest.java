package org.tidegate.cloud;

import org.tidegate.cloud.broker.RawMqtt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tidegate.cloud.broker.EmbeddedBroker;
import org.tidegate.core.cli.CommandLines;
import org.tidegate.cloud.internal.ReceiveCommand;
import org.tidegate.cloud.internal.SendCommand;
import org.tidegate.crypto.ContentType;
import org.tidegate.crypto.EnvelopeOpener;
import org.tidegate.crypto.EnvelopeSealer;
import org.tidegate.crypto.Opened;
import org.tidegate.crypto.PemKeys;
import org.tidegate.crypto.SealerOptions;
import org.tidegate.crypto.SmKeys;
import org.tidegate.crypto.TrustedSenders;

/**
 * The cloud subcommands against the embedded broker, with a stand-in gateway made of the crypto bundle's sealer
 * and a plain Paho client.
 */
class CloudCliTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String GW = "gw-cli-0001";

    @TempDir
    Path dir;

    @Test
    void receivePrintsAcceptedAndRefusedMessagesAsJsonLines() throws Exception {
        KeyPair gw = SmKeys.generate();
        KeyPair cloud = SmKeys.generate();
        KeyPair stranger = SmKeys.generate();
        Path trust = Files.createDirectories(dir.resolve("trust"));
        PemKeys.writePublicKey(trust.resolve(GW + ".pub.pem"), gw.getPublic(), true);
        PemKeys.writePrivateKey(dir.resolve("cloud.key.pem"), cloud.getPrivate(), true);
        try (EmbeddedBroker broker = EmbeddedBroker.startOnFreePort()) {
            ByteArrayOutputStream buf = new ByteArrayOutputStream();
            PrintStream out = new PrintStream(buf, true, StandardCharsets.UTF_8);
            CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> {
                try {
                    return CommandLines.execute(new ReceiveCommand(), List.of("--broker", broker.url(), "--key",
                            dir.resolve("cloud.key.pem").toString(), "--trust", trust.toString(), "--count", "3",
                            "--for", "60s", "--session", "cli-test"), out, System.err);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            // wait for the persistent subscription by probing with a retained-free message until it is echoed
            EnvelopeSealer sealer = new EnvelopeSealer(GW, gw.getPrivate(), cloud.getPublic(), SealerOptions.defaults());
            EnvelopeSealer forger = new EnvelopeSealer(GW, stranger.getPrivate(), cloud.getPublic(), SealerOptions.defaults());
            RawMqtt pub = new RawMqtt(broker.url(), GW, null);
            waitForSubscriber(buf, pub, sealer);
            byte[] t = sealer.seal(ContentType.TELEMETRY, 4, 10, json("{\"device\":\"wl-001\",\"samples\":[{\"ch\":\"level\",\"v\":2.37}]}"));
            pub.publish("tidegate/" + GW + "/telemetry/wl-001", t, 1, false);
            pub.publish("tidegate/" + GW + "/telemetry/wl-001", t, 1, false); // repeat: duplicate
            pub.publish("tidegate/" + GW + "/alarm/wl-001", forger.seal(ContentType.ALARM, 9, 11, json("{}")), 1, false);
            // the route check: a telemetry frame republished under another gateway's topic, an alarm on a telemetry
            // topic, an alarm whose body names another device: TOPIC_MISMATCH, and no state changed (seq 13 is
            // accepted afterwards on its right topic, not taken for a duplicate)
            pub.publish("tidegate/gw-other/telemetry/wl-001", t, 1, false);
            byte[] alarm = sealer.seal(ContentType.ALARM, 9, 13,
                    json("{\"device\":\"wl-001\",\"event\":\"high\",\"state\":\"raised\"}"));
            pub.publish("tidegate/" + GW + "/telemetry/wl-001", alarm, 1, false);
            pub.publish("tidegate/" + GW + "/alarm/wl-002", alarm, 1, false);
            pub.publish("tidegate/" + GW + "/alarm/wl-001", alarm, 1, false);
            assertEquals(0, exit.get(60, TimeUnit.SECONDS));
            pub.close();

            List<JsonNode> lines = new ArrayList<>();
            for (String l : buf.toString(StandardCharsets.UTF_8).split("\n")) {
                lines.add(JSON.readTree(l));
            }
            JsonNode tele = lines.stream().filter(l -> l.path("seq").asText().equals("10") && l.path("accepted").asBoolean())
                    .findFirst().orElseThrow();
            assertEquals(GW, tele.path("sender").asText());
            assertEquals("telemetry", tele.path("type").asText());
            assertEquals(4, tele.path("priority").asInt());
            assertEquals("tidegate/" + GW + "/telemetry/wl-001", tele.path("topic").asText());
            assertEquals(2.37, tele.path("body").path("samples").get(0).path("v").asDouble());
            assertTrue(lines.stream().anyMatch(l -> !l.path("accepted").asBoolean()
                    && l.path("reason").asText().equals("DUPLICATE") && l.path("seq").asText().equals("10")), lines.toString());
            assertTrue(lines.stream().anyMatch(l -> !l.path("accepted").asBoolean()
                    && l.path("reason").asText().equals("BAD_SIGNATURE") && l.path("seq").asText().equals("11")), lines.toString());
            assertTrue(lines.stream().anyMatch(l -> l.path("accepted").asBoolean() && l.path("type").asText().equals("alarm")
                    && l.path("seq").asText().equals("13") && l.path("body").path("state").asText().equals("raised")
                    && l.path("topic").asText().equals("tidegate/" + GW + "/alarm/wl-001")), lines.toString());
            List<JsonNode> mismatches = lines.stream().filter(l -> l.path("reason").asText().equals("TOPIC_MISMATCH"))
                    .toList();
            assertEquals(3, mismatches.size(), lines.toString());
            assertTrue(mismatches.stream().anyMatch(l -> l.path("topic").asText().equals("tidegate/gw-other/telemetry/wl-001")
                    && l.path("seq").asText().equals("10") && l.path("error").asText().contains("gw-other")), lines.toString());
            assertTrue(mismatches.stream().anyMatch(l -> l.path("topic").asText().equals("tidegate/" + GW + "/telemetry/wl-001")
                    && l.path("seq").asText().equals("13") && l.path("error").asText().contains("ALARM")), lines.toString());
            assertTrue(mismatches.stream().anyMatch(l -> l.path("topic").asText().equals("tidegate/" + GW + "/alarm/wl-002")
                    && l.path("error").asText().contains("wl-002")), lines.toString());
        }
    }

    /** Publishes a probe (status, seq 1) until the receiver prints it, so the subscription is known to be in place. */
    private static void waitForSubscriber(ByteArrayOutputStream buf, RawMqtt pub, EnvelopeSealer sealer) throws Exception {
        byte[] probe = sealer.seal(ContentType.STATUS, 9, 1, json("{\"state\":\"online\"}"));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!buf.toString(StandardCharsets.UTF_8).contains("\"type\":\"status\"")) {
            assertTrue(System.nanoTime() < deadline, "receiver did not subscribe");
            pub.publish("tidegate/" + GW + "/status", probe, 1, false);
            Thread.sleep(300);
        }
    }

    @Test
    void commandIsSealedForTheGatewayAndTheReplyPrinted() throws Exception {
        KeyPair gw = SmKeys.generate();
        KeyPair cloud = SmKeys.generate();
        PemKeys.writePublicKey(dir.resolve("gw.pub.pem"), gw.getPublic(), true);
        PemKeys.writePrivateKey(dir.resolve("cloud.key.pem"), cloud.getPrivate(), true);
        try (EmbeddedBroker broker = EmbeddedBroker.startOnFreePort()) {
            // A stand-in gateway: opens commands from "cloud" and answers {"ok":true,...}.
            EnvelopeOpener opener = EnvelopeOpener.builder(gw.getPrivate(), TrustedSenders.of("cloud", cloud.getPublic())).build();
            EnvelopeSealer replies = new EnvelopeSealer(GW, gw.getPrivate(), cloud.getPublic(), SealerOptions.defaults());
            List<Opened> commands = new ArrayList<>();
            RawMqtt[] gatewayRef = new RawMqtt[1];
            RawMqtt gateway = new RawMqtt(broker.url(), GW, (topic, payload) -> {
                try {
                    Opened c = opener.open(payload);
                    commands.add(c);
                    JsonNode body = JSON.readTree(c.body());
                    String reply = "{\"gateway\":\"" + GW + "\",\"command\":" + c.sequence() + ",\"op\":\""
                            + body.path("op").asText() + "\",\"ok\":" + !body.path("op").asText().equals("fail") + "}";
                    gatewayRef[0].publishLater("tidegate/" + GW + "/reply",
                            replies.seal(ContentType.REPLY, 8, commands.size(), json(reply)));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            gatewayRef[0] = gateway;
            gateway.subscribe("tidegate/" + GW + "/command", 1);
            List<String> base = List.of("--broker", broker.url(), "--key", dir.resolve("cloud.key.pem").toString(),
                    "--gateway-key", dir.resolve("gw.pub.pem").toString(), "--gateway", GW, "--seq-file",
                    dir.resolve("cloud.seq").toString(), "--wait", "30s");
            ByteArrayOutputStream buf = new ByteArrayOutputStream();
            List<String> ping = new ArrayList<>(base);
            ping.add("{\"op\":\"ping\"}");
            assertEquals(0, CommandLines.execute(new SendCommand(), ping, new PrintStream(buf, true, StandardCharsets.UTF_8), System.err));
            JsonNode reply = JSON.readTree(buf.toString(StandardCharsets.UTF_8));
            assertTrue(reply.path("ok").asBoolean());
            long firstSeq = reply.path("command").asLong();
            assertEquals(firstSeq, Long.parseLong(Files.readString(dir.resolve("cloud.seq")).trim()),
                    "the sequence file holds the number used");

            List<String> fail = new ArrayList<>(base);
            fail.add("{\"op\":\"fail\"}");
            assertEquals(1, CommandLines.execute(new SendCommand(), fail, new PrintStream(new ByteArrayOutputStream()), System.err));
            assertEquals(2, commands.size());
            assertEquals(ContentType.COMMAND, commands.get(1).contentType());
            assertTrue(commands.get(1).encrypted() && commands.get(1).signed());
            for (Opened c : commands) {
                assertEquals(org.tidegate.crypto.CommandBinding.REQUIRED_FLAGS,
                        c.flags() & org.tidegate.crypto.CommandBinding.REQUIRED_FLAGS, "always SIGNED|ENCRYPTED|KEY_WRAPPED");
                assertEquals(GW, JSON.readTree(c.body()).path("gateway").asText(), "the body names the gateway");
            }
            assertTrue(commands.get(1).sequence() > commands.get(0).sequence(), "strictly increasing");
            gateway.close();

            List<String> bad = new ArrayList<>(base);
            bad.add("[1,2]");
            ByteArrayOutputStream errBuf = new ByteArrayOutputStream();
            assertEquals(1, CommandLines.execute(new SendCommand(), bad, new PrintStream(new ByteArrayOutputStream()),
                    new PrintStream(errBuf, true, StandardCharsets.UTF_8)));
            assertFalse(errBuf.toString(StandardCharsets.UTF_8).isEmpty());
        }
    }

    static byte[] json(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
