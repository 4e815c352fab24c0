package org.tidegate.uplink;

import org.tidegate.cloud.broker.RawMqtt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tidegate.cloud.BrokerConnection;
import org.tidegate.cloud.CommandSequence;
import org.tidegate.cloud.CommandSender;
import org.tidegate.cloud.Received;
import org.tidegate.cloud.broker.EmbeddedBroker;
import org.tidegate.crypto.ContentType;
import org.tidegate.crypto.EnvelopeSealer;
import org.tidegate.crypto.SealerOptions;
import org.tidegate.uplink.bench.UplinkRig;

/** Commands from the cloud: opened, dispatched, answered with a sealed reply; replays and stale ones refused. */
class CommandTest {
    static final String GW = DeliveryTest.GW;

    @TempDir
    Path dir;

    @Test
    void commandsAreDispatchedAndAnsweredAndReplaysRefused() throws Exception {
        TestKeys keys = TestKeys.create(dir);
        CommandHandler echo = (command, body) -> body.path("op").asText().equals("echo")
                ? Optional.of(JsonNodeFactory.instance.objectNode().set("said", body.path("text")))
                : Optional.empty();
        CommandHandler broken = (command, body) -> {
            if (body.path("op").asText().equals("explode")) {
                throw new IllegalStateException("the handler broke");
            }
            return Optional.empty();
        };
        try (EmbeddedBroker broker = EmbeddedBroker.startOnFreePort();
             Inbox inbox = new Inbox(broker.url(), "cloud-test", keys.cloud(), GW, keys.gateway());
             UplinkRig rig = UplinkRig.open(dir.resolve("data"), DeliveryTest.options(broker.url()),
                     keys.gateway().getPrivate(), "cloud", keys.cloud().getPublic(), null, List.of(echo, broken)).start();
             CommandSender sender = new CommandSender(BrokerConnection.of(broker.url(), "cloud-cmd"), "tidegate", "cloud",
                     keys.cloud().getPrivate(), GW, keys.gateway().getPublic(),
                     new CommandSequence(dir.resolve("cloud-seq")))) {
            inbox.await(r -> r.opened().contentType() == ContentType.STATUS, 1, 30, "birth message");

            JsonNode pong = reply(sender, "{\"op\":\"ping\",\"id\":\"c-1\"}");
            assertTrue(pong.path("ok").asBoolean(), pong.toString());
            assertTrue(pong.path("result").path("pong").asBoolean());
            assertEquals("c-1", pong.path("id").asText());
            assertEquals(GW, pong.path("gateway").asText());
            assertEquals("cloud", pong.path("sender").asText());

            JsonNode echoed = reply(sender, "{\"op\":\"echo\",\"text\":\"hello\"}");
            assertEquals("hello", echoed.path("result").path("said").asText());

            JsonNode unknown = reply(sender, "{\"op\":\"reboot\"}");
            assertFalse(unknown.path("ok").asBoolean());
            assertEquals("no handler for op \"reboot\" on this gateway", unknown.path("error").asText());

            JsonNode failed = reply(sender, "{\"op\":\"explode\"}");
            assertFalse(failed.path("ok").asBoolean());
            assertEquals("the handler broke", failed.path("error").asText());

            // A replay of an accepted command and a command sealed 10 minutes ago: refused, and told so.
            EnvelopeSealer cloudSealer = new EnvelopeSealer("cloud", keys.cloud().getPrivate(),
                    keys.gateway().getPublic(), SealerOptions.defaults());
            long seq = System.currentTimeMillis() * 1000 + 5_000_000;
            byte[] fresh = cloudSealer.seal(ContentType.COMMAND, 9, seq, bytes(BOUND_PING));
            byte[] stale = cloudSealer.seal(ContentType.COMMAND, 9, seq + 1,
                    System.currentTimeMillis() - TimeUnit.MINUTES.toMillis(10), bytes(BOUND_PING));
            RawMqtt raw = new RawMqtt(broker.url(), "raw-publisher", null);
            try {
                raw.publish("tidegate/" + GW + "/command", fresh, 1, false);
                raw.publish("tidegate/" + GW + "/command", fresh, 1, false);
                raw.publish("tidegate/" + GW + "/command", stale, 1, false);
                raw.publish("tidegate/" + GW + "/command", bytes("not an envelope"), 1, false);
            } finally {
                raw.close();
            }
            inbox.await(r -> r.opened().contentType() == ContentType.REPLY && r.body().path("command").asLong() >= seq,
                    3, 30, "replies to the raw commands");
            List<JsonNode> replies = inbox.of(ContentType.REPLY).stream().map(Received::body)
                    .filter(b -> b.path("command").asLong() >= seq).toList();
            assertEquals(3, replies.size(), replies.toString());
            assertTrue(replies.stream().anyMatch(b -> b.path("command").asLong() == seq && b.path("ok").asBoolean()));
            assertTrue(replies.stream().anyMatch(b -> b.path("command").asLong() == seq
                    && "REPLAYED".equals(b.path("refused").asText())), replies.toString());
            assertTrue(replies.stream().anyMatch(b -> b.path("command").asLong() == seq + 1
                    && "STALE".equals(b.path("refused").asText())), replies.toString());
            assertTrue(inbox.of(ContentType.REPLY).stream().allMatch(r -> r.topic().equals("tidegate/" + GW + "/reply")));
            // replies to refused commands travel below telemetry, replies to accepted ones above
            for (Received r : inbox.of(ContentType.REPLY)) {
                int expected = r.body().has("refused") ? 3 : 8;
                assertEquals(expected, r.opened().priority(), r.body().toString());
            }
        }
    }

    /**
     * Someone on the broker re-publishes a command; the gateway refuses the copy as replayed at once, before the real
     * command's work is done (config changes are answered from their own thread). Here a stand-in gateway answers
     * each command so: first the copy's refusal, then the real reply. The sender must return the real one.
     */
    @Test
    void aReplayRefusalOfACopyDoesNotHijackTheReply() throws Exception {
        TestKeys keys = TestKeys.create(dir);
        EnvelopeSealer gatewaySealer = new EnvelopeSealer(GW, keys.gateway().getPrivate(), keys.cloud().getPublic(),
                SealerOptions.defaults());
        org.tidegate.crypto.EnvelopeOpener commands = org.tidegate.crypto.EnvelopeOpener.builder(
                keys.gateway().getPrivate(), org.tidegate.crypto.TrustedSenders.of("cloud", keys.cloud().getPublic())).build();
        java.util.concurrent.atomic.AtomicLong replySeq = new java.util.concurrent.atomic.AtomicLong(
                System.currentTimeMillis() * 1000);
        try (EmbeddedBroker broker = EmbeddedBroker.startOnFreePort();
             CommandSender sender = new CommandSender(BrokerConnection.of(broker.url(), "cloud-cmd"), "tidegate", "cloud",
                     keys.cloud().getPrivate(), GW, keys.gateway().getPublic(),
                     new CommandSequence(dir.resolve("cloud-seq")))) {
            RawMqtt[] gateway = new RawMqtt[1];
            gateway[0] = new RawMqtt(broker.url(), "stand-in-gateway", (topic, frame) -> new Thread(() -> {
                try {
                    long seq = commands.open(frame).sequence();
                    String refused = "{\"gateway\":\"" + GW + "\",\"command\":" + seq
                            + ",\"ok\":false,\"refused\":\"REPLAYED\",\"error\":\"replayed\"}";
                    gateway[0].publish("tidegate/" + GW + "/reply", gatewaySealer.seal(ContentType.REPLY, 3,
                            replySeq.incrementAndGet(), bytes(refused)), 1, false);
                    Thread.sleep(300);
                    String real = "{\"gateway\":\"" + GW + "\",\"command\":" + seq
                            + ",\"ok\":true,\"result\":{\"revision\":2}}";
                    gateway[0].publish("tidegate/" + GW + "/reply", gatewaySealer.seal(ContentType.REPLY, 8,
                            replySeq.incrementAndGet(), bytes(real)), 1, false);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }).start());
            try {
                gateway[0].subscribe("tidegate/" + GW + "/command", 1);
                JsonNode answer = reply(sender, "{\"op\":\"config.get\"}");
                assertTrue(answer.path("ok").asBoolean(), answer.toString());
                assertEquals(2, answer.path("result").path("revision").asInt(), answer.toString());
            } finally {
                gateway[0].close();
            }
        }
    }

    static final String BOUND_PING = "{\"gateway\":\"" + GW + "\",\"op\":\"ping\"}";

    @Test
    void aSignedPlainCommandAndOneForAnotherGatewayAreRefusedWithTheirReasonsAndNothingRuns() throws Exception {
        TestKeys keys = TestKeys.create(dir);
        java.util.concurrent.atomic.AtomicInteger ran = new java.util.concurrent.atomic.AtomicInteger();
        CommandHandler counting = (command, body) -> {
            ran.incrementAndGet();
            return Optional.of(JsonNodeFactory.instance.objectNode().put("ran", true));
        };
        MosquittoBrokerHolder holder = new MosquittoBrokerHolder(dir);
        try (var broker = holder.broker;
             Inbox inbox = new Inbox(broker.url(), "cloud-test", keys.cloud(), GW, keys.gateway());
             UplinkRig rig = UplinkRig.open(dir.resolve("data"), DeliveryTest.options(broker.url()),
                     keys.gateway().getPrivate(), "cloud", keys.cloud().getPublic(), null, List.of(counting)).start()) {
            inbox.await(r -> r.opened().contentType() == ContentType.STATUS, 1, 30, "birth message");
            long seq = System.currentTimeMillis() * 1000;
            EnvelopeSealer plain = new EnvelopeSealer("cloud", keys.cloud().getPrivate(), null,
                    SealerOptions.defaults().withEncrypt(false));
            EnvelopeSealer encrypted = new EnvelopeSealer("cloud", keys.cloud().getPrivate(), keys.gateway().getPublic(),
                    SealerOptions.defaults());
            byte[] plainCommand = plain.seal(ContentType.COMMAND, 9, seq, bytes(BOUND_PING));
            byte[] forOther = encrypted.seal(ContentType.COMMAND, 9, seq + 1,
                    bytes("{\"gateway\":\"gw-test-0002\",\"op\":\"ping\"}"));
            byte[] noName = encrypted.seal(ContentType.COMMAND, 9, seq + 2, bytes("{\"op\":\"ping\"}"));
            publishRaw(broker.url(), plainCommand, forOther, noName);
            inbox.await(r -> r.opened().contentType() == ContentType.REPLY, 3, 30, "the three refusals");
            List<JsonNode> replies = inbox.of(ContentType.REPLY).stream().map(Received::body).toList();
            assertTrue(replies.stream().anyMatch(b -> b.path("command").asLong() == seq
                    && "NOT_ENCRYPTED".equals(b.path("refused").asText())), replies.toString());
            assertTrue(replies.stream().anyMatch(b -> b.path("command").asLong() == seq + 1
                    && "WRONG_GATEWAY".equals(b.path("refused").asText())), replies.toString());
            assertTrue(replies.stream().anyMatch(b -> b.path("command").asLong() == seq + 2
                    && "WRONG_GATEWAY".equals(b.path("refused").asText())), replies.toString());
            assertTrue(replies.stream().noneMatch(b -> b.path("ok").asBoolean()), replies.toString());
            assertEquals(0, ran.get(), "nothing run");
            // the refusals moved no replay mark: the same sequence, bound and encrypted, runs
            publishRaw(broker.url(), encrypted.seal(ContentType.COMMAND, 9, seq, bytes(BOUND_PING)));
            inbox.await(r -> r.opened().contentType() == ContentType.REPLY && r.body().path("ok").asBoolean(), 1, 30,
                    "the reply to the bound command");
            assertEquals(1, ran.get());
            var stats = rig.commands().processor().stats();
            assertEquals(1L, stats.refused().get(org.tidegate.crypto.EnvelopeException.Reason.NOT_ENCRYPTED));
            assertEquals(2L, stats.refused().get(org.tidegate.crypto.EnvelopeException.Reason.WRONG_GATEWAY));
        }
    }

    /** mosquitto when installed (the issue asks for it), the embedded broker otherwise. */
    static final class MosquittoBrokerHolder {
        final org.tidegate.cloud.broker.LabBroker broker;

        MosquittoBrokerHolder(Path dir) throws Exception {
            org.tidegate.cloud.broker.LabBroker b;
            if (org.tidegate.core.testing.ExternalTools.usable("mosquitto")
                    || org.tidegate.cloud.broker.MosquittoBroker.installed()) {
                b = new org.tidegate.cloud.broker.MosquittoBroker(dir.resolve("broker"));
            } else {
                b = new EmbeddedBroker(0);
            }
            b.start();
            broker = b;
        }
    }

    static void publishRaw(String url, byte[]... frames) throws Exception {
        try (RawMqtt raw = new RawMqtt(url, "raw-publisher", null)) {
            for (byte[] f : frames) {
                raw.publish("tidegate/" + GW + "/command", f, 1, false);
            }
        }
    }

    private static JsonNode reply(CommandSender sender, String json) throws Exception {
        Optional<Received> r = sender.sendAndAwaitReply(CommandSender.json(json), 30, TimeUnit.SECONDS);
        assertTrue(r.isPresent(), "a reply to " + json);
        assertEquals(ContentType.REPLY, r.get().opened().contentType());
        return r.get().body();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
