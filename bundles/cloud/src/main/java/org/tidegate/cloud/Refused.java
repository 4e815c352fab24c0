package org.tidegate.cloud;

import org.tidegate.crypto.EnvelopeException;

/**
 * One refused message: why, and as much of who sent it as could be read.
 *
 * @param sender   the claimed sender, or empty if the frame could not be read that far
 * @param sequence the claimed sequence, or -1
 */
public record Refused(String topic, EnvelopeException.Reason reason, String sender, long sequence, String message) {
}
