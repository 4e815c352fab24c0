package org.tidegate.cloud;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.mqttv5.common.MqttException;

/**
 * The platform's side of remote management (docs/remote-management.md) over a {@link CommandSender}: each method
 * builds the operation's command, seals and sends it, and waits for the gateway's reply. Changes name the revision
 * they were made from ({@code baseRevision}) and carry an id (a fresh one unless given), so a retry of the same
 * change with the same id is answered with its stored outcome instead of being applied twice.
 */
public final class RemoteManagement {
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * A gateway's answer.
     *
     * @param ok     the operation succeeded
     * @param code   why not ({@code CONFLICT}, {@code INVALID}, {@code ROLLED_BACK}, {@code NOT_WRITABLE}, …), empty if ok
     * @param error  the gateway's explanation, empty if ok
     * @param result the operation's result (for some failures its details: problems, current revision, …)
     * @param reply  the whole reply body (with {@code audit})
     */
    public record Reply(boolean ok, String code, String error, JsonNode result, JsonNode reply) {
        static Reply of(JsonNode body) {
            return new Reply(body.path("ok").asBoolean(false), body.path("code").asText(body.path("refused").asText("")),
                    body.path("error").asText(""), body.path("result"), body);
        }

        public boolean rolledBack() {
            return "ROLLED_BACK".equals(code);
        }

        public boolean conflict() {
            return "CONFLICT".equals(code);
        }
    }

    private final CommandSender sender;
    private final Duration wait;

    /** @param wait how long to wait for each reply (a change waits for its trial: allow for the gateway's trial time) */
    public RemoteManagement(CommandSender sender, Duration wait) {
        this.sender = sender;
        this.wait = wait;
    }

    public Reply getConfig() throws IOException {
        return call(op("config.get"));
    }

    public Reply snapshots() throws IOException {
        return call(op("config.snapshots"));
    }

    public Reply putProfile(long baseRevision, JsonNode profile) throws IOException {
        return call(change("config.put.profile", baseRevision).set("profile", profile));
    }

    public Reply deleteProfile(long baseRevision, String profileId) throws IOException {
        return call(change("config.delete.profile", baseRevision).put("profile", profileId));
    }

    public Reply putDevice(long baseRevision, JsonNode device) throws IOException {
        return call(change("config.put.device", baseRevision).set("device", device));
    }

    public Reply deleteDevice(long baseRevision, String deviceId) throws IOException {
        return call(change("config.delete.device", baseRevision).put("device", deviceId));
    }

    public Reply putGateway(long baseRevision, JsonNode gateway) throws IOException {
        return call(change("config.put.gateway", baseRevision).set("settings", gateway));
    }

    /** @param files file name to content, as {@link #getConfig()} returns them under {@code result.files} */
    public Reply apply(long baseRevision, JsonNode files) throws IOException {
        return call(change("config.apply", baseRevision).set("files", files));
    }

    public Reply rollback(long baseRevision, long toRevision) throws IOException {
        return call(change("config.rollback", baseRevision).put("revision", toRevision));
    }

    public Reply read(String device, String channel) throws IOException {
        return call(op("device.read").put("device", device).put("channel", channel));
    }

    public Reply write(String device, String channel, JsonNode value) throws IOException {
        ObjectNode c = op("device.write").put("id", UUID.randomUUID().toString()).put("device", device)
                .put("channel", channel);
        c.set("value", value);
        return call(c);
    }

    public Reply restart(String device) throws IOException {
        return call(op("device.restart").put("id", UUID.randomUUID().toString()).put("device", device));
    }

    public Reply status() throws IOException {
        return call(op("gateway.status"));
    }

    public Reply logs(int lines) throws IOException {
        return call(op("gateway.logs").put("lines", lines));
    }

    /** Sends any command body (an object with {@code "op"}) and waits for its reply. */
    public Reply call(ObjectNode command) throws IOException {
        try {
            var r = sender.sendAndAwaitReply(command.toString().getBytes(StandardCharsets.UTF_8), wait.toMillis(),
                    TimeUnit.MILLISECONDS);
            if (r.isEmpty()) {
                throw new IOException("no reply to " + command.path("op").asText() + " within " + wait.toSeconds() + " s");
            }
            return Reply.of(r.get().body());
        } catch (MqttException e) {
            throw new IOException("MQTT: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    public static ObjectNode op(String op) {
        return JSON.createObjectNode().put("op", op);
    }

    private static ObjectNode change(String op, long baseRevision) {
        return op(op).put("id", UUID.randomUUID().toString()).put("baseRevision", baseRevision);
    }
}
