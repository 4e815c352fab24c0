package org.tidegate.cloud;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.Objects;
import org.tidegate.crypto.ContentType;
import org.tidegate.crypto.EnvelopeException;
import org.tidegate.crypto.OpenCheck;
import org.tidegate.crypto.Opened;

/**
 * The receiver's route check (envelope spec, "Receivers check the route"): a message is accepted only on the topic
 * that fits it. For {@code {prefix}/{gw}/{kind}[/{dev}]}:
 * <ul>
 *   <li>{@code gw} equals the envelope's sender id;</li>
 *   <li>{@code kind} matches the content type: {@code telemetry} 0x01, {@code alarm} 0x02, {@code status} 0x03,
 *       {@code reply} 0x11 (a command is never accepted on a receiver topic);</li>
 *   <li>for telemetry and alarms, {@code dev} equals the body's {@code "device"}; status and reply topics have no
 *       device level.</li>
 * </ul>
 * Otherwise {@link EnvelopeException.Reason#TOPIC_MISMATCH}. It runs as the opener's {@link OpenCheck}: after the
 * signature and decryption (the body is needed for the device), before the duplicate filter, so a frame republished
 * on a wrong topic does not mark its sequence as seen and the genuine one is still delivered.
 */
public final class RouteCheck {
    private final String prefix;

    public RouteCheck(String prefix) {
        this.prefix = prefix == null || prefix.isEmpty() ? "tidegate" : prefix;
    }

    /** The check for a frame that arrived on {@code topic}. */
    public OpenCheck forTopic(String topic) {
        Objects.requireNonNull(topic, "topic");
        return opened -> check(topic, opened);
    }

    /** @throws EnvelopeException TOPIC_MISMATCH, saying which part does not fit */
    public void check(String topic, Opened o) throws EnvelopeException {
        check(topic, o, null);
    }

    /**
     * As {@link #check(String, Opened)}, with the body already parsed by the caller; {@code body} null parses it
     * here.
     */
    public void check(String topic, Opened o, JsonNode parsedBody) throws EnvelopeException {
        String device = topicDevice(topic, o);
        if (device != null) {
            JsonNode body = parsedBody != null ? parsedBody : BodyReader.read(o.body());
            JsonNode named = body == null || !body.isObject() ? null : body.get("device");
            if (named == null || !named.isTextual() || !named.asText().equals(device)) {
                throw deviceMismatch(o, topic, device, named == null ? "missing" : named.toString());
            }
        }
    }

    /**
     * As {@link #check(String, Opened)}, with the body's {@code "device"} already read by the caller as a string
     * (the ingest decodes telemetry without a JSON tree); {@code bodyDevice} null if the body has none.
     */
    public void checkDevice(String topic, Opened o, String bodyDevice) throws EnvelopeException {
        String device = topicDevice(topic, o);
        if (device != null && !device.equals(bodyDevice)) {
            throw deviceMismatch(o, topic, device, bodyDevice == null ? "missing" : TextNode.valueOf(bodyDevice).toString());
        }
    }

    /** Everything but the body: the topic's device level for telemetry and alarms, null for status and reply. */
    private String topicDevice(String topic, Opened o) throws EnvelopeException {
        String head = prefix + "/";
        if (!topic.startsWith(head)) {
            throw mismatch(o, topic, "is not under the prefix \"" + prefix + "\"");
        }
        String[] parts = topic.substring(head.length()).split("/", -1);
        if (parts.length < 2) {
            throw mismatch(o, topic, "has no gateway and kind");
        }
        String gateway = parts[0];
        String kind = parts[1];
        if (!gateway.equals(o.sender())) {
            throw mismatch(o, topic, "names gateway \"" + gateway + "\" but the envelope is from \"" + o.sender() + "\"");
        }
        ContentType expected = switch (kind) {
            case "telemetry" -> ContentType.TELEMETRY;
            case "alarm" -> ContentType.ALARM;
            case "status" -> ContentType.STATUS;
            case "reply" -> ContentType.REPLY;
            default -> null;
        };
        if (expected == null) {
            throw mismatch(o, topic, "has the unknown kind \"" + kind + "\"");
        }
        if (o.contentType() != expected) {
            throw mismatch(o, topic, "is a " + kind + " topic but the envelope is " + o.contentType());
        }
        boolean perDevice = expected == ContentType.TELEMETRY || expected == ContentType.ALARM;
        if (parts.length != (perDevice ? 3 : 2)) {
            throw mismatch(o, topic, perDevice ? "must end in /" + kind + "/{device}" : "must end in /" + kind);
        }
        return perDevice ? parts[2] : null;
    }

    private static EnvelopeException deviceMismatch(Opened o, String topic, String device, String named) {
        return mismatch(o, topic, "names device \"" + device + "\" but the body's \"device\" is " + named);
    }

    private static EnvelopeException mismatch(Opened o, String topic, String why) {
        return new EnvelopeException(EnvelopeException.Reason.TOPIC_MISMATCH, o.sender(), "topic " + topic + " " + why
                + " (seq=" + Long.toUnsignedString(o.sequence()) + ")");
    }
}
