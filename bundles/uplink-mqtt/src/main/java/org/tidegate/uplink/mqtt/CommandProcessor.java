package org.tidegate.uplink.mqtt;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;
import org.tidegate.crypto.ContentType;
import org.tidegate.crypto.Envelope;
import org.tidegate.crypto.EnvelopeException;
import org.tidegate.crypto.EnvelopeHeader;
import org.tidegate.crypto.EnvelopeOpener;
import org.tidegate.crypto.Opened;
import org.tidegate.outbox.Outbox;
import org.tidegate.outbox.Priority;
import org.tidegate.store.StoreException;
import org.tinylog.Logger;

/**
 * Handles each frame that arrives on the command topic: opens it (signature, decryption, replay and freshness
 * checks of the crypto bundle), hands it to the {@link CommandDispatcher} and submits the sealed reply through
 * the {@link Outbox}, so a reply is stored and survives a disconnect like any other message.
 *
 * <p>A command refused as replayed or stale passed the signature check, so its sender gets a reply saying so; a
 * frame that fails earlier (bad frame, unknown sender, bad signature or tag) is only logged: answering forged
 * traffic would hand an attacker an oracle.
 */
public final class CommandProcessor implements Consumer<byte[]> {
    static final int REPLY_PRIORITY = Priority.REPLY.value();

    private final EnvelopeOpener opener;
    private final CommandDispatcher dispatcher;
    private final Outbox outbox;

    public CommandProcessor(EnvelopeOpener opener, CommandDispatcher dispatcher, Outbox outbox) {
        this.opener = opener;
        this.dispatcher = dispatcher;
        this.outbox = outbox;
    }

    @Override
    public void accept(byte[] frame) {
        ObjectNode reply;
        try {
            Opened command = opener.open(frame);
            if (command.contentType() != ContentType.COMMAND) {
                Logger.warn("uplink: refused a {} envelope on the command topic (sender={} seq={})",
                        command.contentType(), command.sender(), command.sequence());
                return;
            }
            JsonNode body;
            try {
                body = CommandDispatcher.JSON.readTree(command.body());
            } catch (IOException e) {
                body = null;
            }
            if (body == null || !body.isObject()) {
                Logger.warn("uplink: command seq={} from {}: body is not a JSON object", command.sequence(),
                        command.sender());
                reply = CommandDispatcher.fail(dispatcher.replyTo(command.sequence(), command.sender(), null, null),
                        "command body must be a JSON object");
            } else {
                reply = dispatcher.dispatch(command, body);
            }
        } catch (EnvelopeException e) {
            Logger.warn("uplink: command refused: reason={} sender={} {}", e.reason(), e.sender(), e.getMessage());
            if (e.reason() != EnvelopeException.Reason.REPLAYED && e.reason() != EnvelopeException.Reason.STALE) {
                return;
            }
            EnvelopeHeader h;
            try {
                h = Envelope.peek(frame);
            } catch (EnvelopeException unreadable) {
                return;
            }
            reply = CommandDispatcher.fail(dispatcher.replyTo(h.sequence(), h.sender(), null, null),
                    "refused: " + e.reason() + ": " + e.getMessage());
            reply.put("refused", e.reason().name());
        } catch (UncheckedIOException e) {
            Logger.error("uplink: command refused: {}", e.getMessage());
            return;
        }
        try {
            outbox.submit(ContentType.REPLY, null, REPLY_PRIORITY, reply.toString().getBytes(StandardCharsets.UTF_8));
        } catch (StoreException e) {
            Logger.error("uplink: reply to command seq={} not stored: {}", reply.path("command").asLong(), e.getMessage());
        }
    }
}
