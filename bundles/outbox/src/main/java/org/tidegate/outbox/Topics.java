package org.tidegate.outbox;

import org.tidegate.core.model.Ids;
import org.tidegate.crypto.ContentType;

/**
 * The MQTT topics of one gateway (topics.md): {@code {prefix}/{gw}/telemetry/{dev}}, {@code .../alarm/{dev}},
 * {@code .../status}, {@code .../command}, {@code .../reply}.
 */
public record Topics(String prefix, String gatewayId) {
    public static final String DEFAULT_PREFIX = "tidegate";

    public Topics {
        if (prefix == null || prefix.isEmpty()) {
            prefix = DEFAULT_PREFIX;
        }
        if (prefix.contains("+") || prefix.contains("#") || prefix.startsWith("/") || prefix.endsWith("/")) {
            throw new IllegalArgumentException("topic prefix \"" + prefix
                    + "\" must not contain + or # nor start or end with /");
        }
        String problem = Ids.problem(gatewayId);
        if (problem != null) {
            throw new IllegalArgumentException("gateway id " + problem);
        }
    }

    public String telemetry(String device) {
        return base() + "telemetry/" + device(device);
    }

    public String alarm(String device) {
        return base() + "alarm/" + device(device);
    }

    public String status() {
        return base() + "status";
    }

    public String command() {
        return base() + "command";
    }

    public String reply() {
        return base() + "reply";
    }

    /** Where a gateway message of this type about this device (null for status and replies) is published. */
    public String forMessage(ContentType type, String device) {
        return switch (type) {
            case TELEMETRY -> telemetry(device);
            case ALARM -> alarm(device);
            case STATUS -> status();
            case REPLY -> reply();
            case COMMAND -> throw new IllegalArgumentException("commands travel cloud to gateway, not through the outbox");
        };
    }

    private String base() {
        return prefix + "/" + gatewayId + "/";
    }

    private static String device(String device) {
        String problem = Ids.problem(device);
        if (problem != null) {
            throw new IllegalArgumentException("device id " + problem);
        }
        return device;
    }
}
