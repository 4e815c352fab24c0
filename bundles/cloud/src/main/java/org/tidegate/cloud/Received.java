package org.tidegate.cloud;

import com.fasterxml.jackson.databind.JsonNode;
import org.tidegate.crypto.Opened;

/**
 * One accepted message.
 *
 * @param topic  where it arrived
 * @param opened the opened envelope
 * @param body   the body as JSON: parsed, or for a compact telemetry body (docs/envelope.md) the JSON body it stands
 *               for, {@code {"gateway","device","samples":[{"ch","t","v","u","q"[,"e"]}]}}; null if it is neither
 *               (the raw bytes stay in {@code opened.body()})
 */
public record Received(String topic, Opened opened, JsonNode body) {
}
