package org.tidegate.uplink.mqtt;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.tidegate.crypto.Opened;
import org.tidegate.uplink.CommandHandler;
import org.tinylog.Logger;

/**
 * Offers a verified command to the {@link CommandHandler}s in order until one claims it, and turns the outcome
 * into a reply body (docs/mqtt.md):
 * {@code {"gateway","command":seq,"sender","op","id"?,"ok":true,"result":…,"t"}} or {@code "ok":false,"error":…}.
 * The operation {@code ping} is built in (answered when no handler claims it), so that the command path can be
 * checked end to end on any gateway.
 */
public final class CommandDispatcher {
    static final ObjectMapper JSON = new ObjectMapper();

    private final String gatewayId;
    private final Supplier<List<CommandHandler>> handlers;

    public CommandDispatcher(String gatewayId, Supplier<List<CommandHandler>> handlers) {
        this.gatewayId = gatewayId;
        this.handlers = handlers;
    }

    /** The gateway this dispatcher answers for (commands must name it). */
    public String gatewayId() {
        return gatewayId;
    }

    /** @return the reply, or null if the handler that claimed the command replies itself */
    public ObjectNode dispatch(Opened command, JsonNode body) {
        String op = body.path("op").asText("");
        ObjectNode reply = replyTo(command.sequence(), command.sender(), op, body.get("id"));
        if (op.isEmpty()) {
            return fail(reply, "command body must be a JSON object with a non-empty \"op\"");
        }
        for (CommandHandler h : handlers.get()) {
            Optional<JsonNode> result;
            try {
                result = h.handle(command, body);
            } catch (Exception e) {
                Logger.warn("uplink: command seq={} op={} failed: {}", command.sequence(), op, e.getMessage());
                return fail(reply, e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
            }
            if (result.isPresent() && result.get() == CommandHandler.REPLIED_SEPARATELY) {
                return null; // the handler answers on its own thread when its work is done
            }
            if (result.isPresent()) {
                Logger.info("uplink: command seq={} op={} from {} done", command.sequence(), op, command.sender());
                reply.put("ok", true);
                reply.set("result", result.get());
                return reply;
            }
        }
        if (op.equals("ping")) {
            reply.put("ok", true);
            reply.putObject("result").put("pong", true).put("createdAt", command.createdAtMillis());
            return reply;
        }
        Logger.warn("uplink: command seq={} op={} from {}: no handler", command.sequence(), op, command.sender());
        return fail(reply, "no handler for op \"" + op + "\" on this gateway");
    }

    /** The skeleton of a reply to command {@code sequence}. */
    public ObjectNode replyTo(long sequence, String sender, String op, JsonNode id) {
        ObjectNode reply = JSON.createObjectNode();
        reply.put("gateway", gatewayId);
        reply.put("command", sequence);
        if (sender != null) {
            reply.put("sender", sender);
        }
        if (op != null && !op.isEmpty()) {
            reply.put("op", op);
        }
        if (id != null && !id.isNull()) {
            reply.set("id", id);
        }
        reply.put("t", System.currentTimeMillis());
        return reply;
    }

    static ObjectNode fail(ObjectNode reply, String error) {
        reply.put("ok", false);
        reply.put("error", error);
        return reply;
    }
}
