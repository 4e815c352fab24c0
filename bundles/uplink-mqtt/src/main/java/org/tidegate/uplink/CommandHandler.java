package org.tidegate.uplink;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;
import org.osgi.annotation.versioning.ConsumerType;
import org.tidegate.crypto.Opened;

/**
 * Executes commands from the cloud. Registered as a whiteboard service; the uplink offers each verified,
 * fresh command to the handlers in service-ranking order until one claims it. A command body is a JSON object
 * whose {@code "op"} names the operation (e.g. {@code config.get}, {@code device.write}); the rest is the
 * operation's arguments (docs/mqtt.md).
 */
@ConsumerType
public interface CommandHandler {

    /**
     * Returned by a handler that claimed the command and submits the reply itself (through the outbox) when its work
     * is done, e.g. a configuration change whose trial outlives this uplink session: the uplink sends no reply.
     * The handler then owns the deadline and the bound of its own queue (docs/remote-management.md).
     */
    JsonNode REPLIED_SEPARATELY = com.fasterxml.jackson.databind.node.MissingNode.getInstance();

    /**
     * @param command the opened envelope (sender, sequence, creation time)
     * @param body    the command body, a JSON object with at least {@code "op"}
     * @return empty if this handler does not handle {@code op}; otherwise the result, placed under
     *         {@code "result"} in an {@code ok} reply, or {@link #REPLIED_SEPARATELY}
     * @throws Exception the command was claimed but failed: the reply carries {@code ok: false} and the message
     */
    Optional<JsonNode> handle(Opened command, JsonNode body) throws Exception;
}
