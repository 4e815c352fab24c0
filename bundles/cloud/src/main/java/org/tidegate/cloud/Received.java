package org.tidegate.cloud;

import com.fasterxml.jackson.databind.JsonNode;
import org.tidegate.crypto.Opened;

/**
 * One accepted message.
 *
 * @param topic  where it arrived
 * @param opened the opened envelope
 * @param body   the body parsed as JSON, or null if it is not JSON
 */
public record Received(String topic, Opened opened, JsonNode body) {
}
