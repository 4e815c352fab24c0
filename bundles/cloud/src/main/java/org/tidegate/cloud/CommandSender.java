package org.tidegate.cloud;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.tidegate.crypto.ContentType;
import org.tidegate.crypto.EnvelopeException;
import org.tidegate.crypto.EnvelopeOpener;
import org.tidegate.crypto.EnvelopeSealer;
import org.tidegate.crypto.Opened;
import org.tidegate.crypto.SealerOptions;
import org.tidegate.crypto.TrustedSenders;
import org.tinylog.Logger;

/**
 * Seals commands for one gateway (content type COMMAND, always {@code SIGNED|ENCRYPTED|KEY_WRAPPED}: encrypted to the
 * gateway's public key, signed with the cloud's key; the body names the gateway in {@code "gateway"}, as the
 * gateway requires; sequence from a {@link CommandSequence}), publishes them at QoS 1 to {@code {prefix}/{gw}/command}
 * and, if asked, waits for the gateway's sealed reply on {@code {prefix}/{gw}/reply} (matched by the reply's
 * {@code "command"} field).
 */
public final class CommandSender implements AutoCloseable {
    /** Commands are urgent: the same priority as alarms. */
    public static final int COMMAND_PRIORITY = 9;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String gatewayId;
    private final String prefix;
    private final EnvelopeSealer sealer;
    private final EnvelopeOpener replyOpener;
    private final CommandSequence sequence;
    private final MqttAsyncClient client;
    private final Map<Long, CompletableFuture<Received>> waiting = new ConcurrentHashMap<>();

    /**
     * Connects and subscribes to the gateway's reply topic.
     *
     * @param gatewayKey the gateway's public key: commands are encrypted to it, replies verified with it
     */
    public CommandSender(BrokerConnection broker, String prefix, String cloudId, PrivateKey cloudKey, String gatewayId,
                         PublicKey gatewayKey, CommandSequence sequence) throws MqttException, InvalidKeyException {
        this.gatewayId = gatewayId;
        this.prefix = prefix == null || prefix.isEmpty() ? "tidegate" : prefix;
        // always signed, encrypted to the gateway's key and key-wrapped: gateways refuse anything else
        this.sealer = new EnvelopeSealer(cloudId, cloudKey, gatewayKey,
                SealerOptions.defaults().withEncrypt(true).withSign(true));
        this.replyOpener = EnvelopeOpener.builder(cloudKey, TrustedSenders.of(gatewayId, gatewayKey)).build();
        this.sequence = sequence;
        this.client = new MqttAsyncClient(broker.url(), broker.clientId(), new MemoryPersistence());
        client.setCallback(new MqttCallback() {
            @Override
            public void disconnected(MqttDisconnectResponse response) {
                Logger.warn("command sender: connection lost: {}", response.getException() != null
                        ? response.getException().getMessage() : "reason " + response.getReturnCode());
            }

            @Override
            public void mqttErrorOccurred(MqttException exception) {
                Logger.warn("command sender: MQTT error: {}", exception.getMessage());
            }

            @Override
            public void messageArrived(String topic, MqttMessage message) {
                try {
                    reply(topic, message.getPayload());
                } catch (Throwable t) {
                    Logger.error("command sender: a reply on {} could not be handled: {}", topic, t.toString());
                }
            }

            @Override
            public void deliveryComplete(IMqttToken token) {
            }

            @Override
            public void connectComplete(boolean reconnect, String serverURI) {
            }

            @Override
            public void authPacketArrived(int reasonCode, MqttProperties properties) {
            }
        });
        client.connect(broker.options()).waitForCompletion(15_000);
        client.subscribe(replyTopic(), 1).waitForCompletion(15_000);
    }

    public String commandTopic() {
        return prefix + "/" + gatewayId + "/command";
    }

    public String replyTopic() {
        return prefix + "/" + gatewayId + "/reply";
    }

    /** Seals and publishes; returns once the broker acknowledged it. @return the command's sequence number */
    public long send(byte[] body) throws IOException, MqttException {
        return send(body, null);
    }

    /**
     * Sends and waits for the reply.
     *
     * @return the opened reply, empty if none arrived in time
     */
    public Optional<Received> sendAndAwaitReply(byte[] body, long timeout, TimeUnit unit)
            throws IOException, MqttException, InterruptedException {
        CompletableFuture<Received> f = new CompletableFuture<>();
        long seq = send(body, f);
        try {
            return Optional.of(f.get(timeout, unit));
        } catch (TimeoutException e) {
            return Optional.empty();
        } catch (ExecutionException e) {
            throw new IOException(e.getCause());
        } finally {
            waiting.remove(seq);
        }
    }

    private long send(byte[] body, CompletableFuture<Received> replyFuture) throws IOException, MqttException {
        byte[] bound = bind(body);
        long seq;
        byte[] frame;
        synchronized (this) {
            seq = sequence.next();
            frame = sealer.seal(ContentType.COMMAND, COMMAND_PRIORITY, seq, bound);
        }
        if (replyFuture != null) {
            waiting.put(seq, replyFuture);
        }
        MqttMessage m = new MqttMessage(frame);
        m.setQos(1);
        client.publish(commandTopic(), m).waitForCompletion(15_000);
        Logger.info("command sender: command seq={} sent to {}", seq, gatewayId);
        return seq;
    }

    /**
     * The body with {@code "gateway"} naming this sender's gateway (a gateway refuses a command that does not name
     * it); refused if the body is not a JSON object or already names another gateway.
     */
    byte[] bind(byte[] body) throws IOException {
        JsonNode n = JSON.readTree(body);
        if (n == null || !n.isObject()) {
            throw new IOException("a command must be a JSON object, e.g. {\"op\":\"ping\"}");
        }
        JsonNode named = n.get("gateway");
        if (named != null && !named.asText().equals(gatewayId)) {
            throw new IOException("the command names gateway " + named + " but is sent to \"" + gatewayId + "\"");
        }
        ObjectNode o = JSON.createObjectNode();
        o.put("gateway", gatewayId);
        n.fields().forEachRemaining(e -> {
            if (!e.getKey().equals("gateway")) {
                o.set(e.getKey(), e.getValue());
            }
        });
        return o.toString().getBytes(StandardCharsets.UTF_8);
    }

    private void reply(String topic, byte[] frame) {
        try {
            Opened o = replyOpener.open(frame);
            if (o.contentType() != ContentType.REPLY) {
                return;
            }
            JsonNode body = JSON.readTree(o.body());
            long command = body.path("command").asLong(-1);
            CompletableFuture<Received> f = waiting.get(command);
            if (f != null && "REPLAYED".equals(body.path("refused").asText(null))) {
                // A copy of our command, re-published by someone on the broker, is refused as replayed, and that
                // refusal can beat the reply to our own command (answered after its work is done). This sender
                // publishes each command once, so REPLAYED is never the answer to it: wait for the real one.
                Logger.warn("command sender: command seq={} was published again by someone else (the gateway refused"
                        + " the copy as replayed); waiting for the reply to ours", command);
                return;
            }
            if (f != null) {
                f.complete(new Received(topic, o, body));
            }
        } catch (EnvelopeException e) {
            Logger.warn("command sender: reply refused: {} {}", e.reason(), e.getMessage());
        } catch (IOException e) {
            Logger.warn("command sender: reply body is not JSON: {}", e.getMessage());
        }
    }

    /** Convenience: the UTF-8 bytes of a JSON text. */
    public static byte[] json(String text) throws IOException {
        JsonNode n = JSON.readTree(text);
        if (n == null || !n.isObject()) {
            throw new IOException("a command must be a JSON object, e.g. {\"op\":\"ping\"}");
        }
        return n.toString().getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        try {
            if (client.isConnected()) {
                client.disconnect(2000).waitForCompletion(3000);
            }
            client.close(true);
        } catch (MqttException e) {
            Logger.debug("command sender: close: {}", e.getMessage());
        }
    }
}
