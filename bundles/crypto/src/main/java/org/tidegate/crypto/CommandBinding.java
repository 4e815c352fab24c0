package org.tidegate.crypto;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.Objects;

/**
 * A command is bound to one gateway (envelope spec, "A command is bound to one gateway"): a gateway accepts a
 * command only if it is {@code SIGNED|ENCRYPTED|KEY_WRAPPED} ({@link EnvelopeException.Reason#NOT_ENCRYPTED}
 * otherwise) and its JSON body names this gateway in {@code "gateway"}
 * ({@link EnvelopeException.Reason#WRONG_GATEWAY} otherwise, also when the body is not a JSON object or has no
 * {@code "gateway"}). Runs after the signature check (so it is no oracle for forgers) and before the replay
 * guard (so a refused command does not move its mark). Other content types pass untouched.
 */
public final class CommandBinding implements OpenCheck {
    /** The flags every accepted command carries. */
    public static final int REQUIRED_FLAGS = Envelope.FLAG_SIGNED | Envelope.FLAG_ENCRYPTED | Envelope.FLAG_KEY_WRAPPED;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String gatewayId;

    private CommandBinding(String gatewayId) {
        this.gatewayId = Objects.requireNonNull(gatewayId, "gatewayId");
    }

    /** Commands for gateway {@code gatewayId}. */
    public static CommandBinding to(String gatewayId) {
        return new CommandBinding(gatewayId);
    }

    public String gatewayId() {
        return gatewayId;
    }

    @Override
    public void check(Opened o) throws EnvelopeException {
        if (o.contentType() != ContentType.COMMAND) {
            return;
        }
        String seq = Long.toUnsignedString(o.sequence());
        if ((o.flags() & REQUIRED_FLAGS) != REQUIRED_FLAGS) {
            throw new EnvelopeException(EnvelopeException.Reason.NOT_ENCRYPTED, o.sender(), "command seq=" + seq
                    + " is not SIGNED|ENCRYPTED|KEY_WRAPPED (flags 0x" + Integer.toHexString(o.flags())
                    + "): commands must be encrypted to this gateway's key");
        }
        JsonNode body;
        String unreadable = null;
        try {
            body = JSON.readTree(o.body());
        } catch (IOException e) {
            body = null;
            // e.g. nested deeper than the parser allows: say so, rather than only that no gateway was named
            String m = String.valueOf(e.getMessage());
            unreadable = abbreviate(m.lines().findFirst().orElse(m));
        }
        JsonNode named = body == null || !body.isObject() ? null : body.get("gateway");
        if (named == null || !named.isTextual()) {
            throw new EnvelopeException(EnvelopeException.Reason.WRONG_GATEWAY, o.sender(), "command seq=" + seq
                    + " names no gateway (its body must be a JSON object with \"gateway\":\"" + gatewayId + "\")"
                    + (unreadable == null ? "" : ": the body is not JSON: " + unreadable));
        }
        if (!named.asText().equals(gatewayId)) {
            throw new EnvelopeException(EnvelopeException.Reason.WRONG_GATEWAY, o.sender(), "command seq=" + seq
                    + " is for gateway \"" + abbreviate(named.asText()) + "\", this is \"" + gatewayId + "\"");
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 120 ? s : s.substring(0, 120) + "…";
    }
}
