package org.tidegate.ingest.internal;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Objects;
import org.tidegate.cloud.RouteCheck;
import org.tidegate.crypto.ContentType;
import org.tidegate.crypto.Envelope;
import org.tidegate.crypto.EnvelopeException;
import org.tidegate.crypto.EnvelopeHeader;
import org.tidegate.crypto.EnvelopeOpener;
import org.tidegate.crypto.Opened;

/**
 * The same checks as {@code tidegate receive} ({@link org.tidegate.cloud.CloudReceiver#handle}): the opener's frame,
 * sender, signature and tag checks, then the topic route ({@link RouteCheck}), then the body. No in-memory
 * duplicate filter: a repeat is found by the database ({@code envelopes_seen}) in the transaction that would store
 * it, so a message whose first delivery was never committed is not mistaken for a repeat. Thread-safe.
 */
final class Verifier {
    private final EnvelopeOpener opener;
    private final RouteCheck route;

    Verifier(EnvelopeOpener opener, String prefix) {
        this.opener = Objects.requireNonNull(opener);
        this.route = new RouteCheck(prefix);
    }

    Verified verify(Inbound in) {
        Opened opened;
        try {
            opened = opener.open(in.payload());
        } catch (EnvelopeException e) {
            String sender = e.sender();
            long seq = -1;
            try {
                EnvelopeHeader h = Envelope.peek(in.payload());
                seq = h.sequence();
                if (sender == null || sender.isEmpty()) {
                    sender = h.sender();
                }
            } catch (EnvelopeException unreadable) {
                // the header itself is bad: nothing more to say about who sent it
            }
            return Verified.refused(in, e.reason().name(), sender, seq, e.getMessage());
        } catch (RuntimeException e) {
            return Verified.refused(in, EnvelopeException.Reason.BAD_FRAME.name(), "", -1,
                    "could not be opened: " + e);
        }
        // the route check after the opener's checks, as in receive (there it runs inside open(), before the duplicate
        // filter, which the ingest does not use): the body is parsed once, for the check and for the rows.
        // Telemetry first the fast way (no JSON tree); what it does not take plainly goes the general way.
        if (opened.contentType() == ContentType.TELEMETRY) {
            Decoded.Telemetry fast = BodyDecoder.telemetryFast(opened.body());
            if (fast != null) {
                try {
                    route.checkDevice(in.topic(), opened, fast.device());
                } catch (EnvelopeException e) {
                    return Verified.refused(in, e.reason().name(), opened.sender(), opened.sequence(), e.getMessage());
                }
                return Verified.accepted(in, opened, fast);
            }
        }
        JsonNode body = BodyDecoder.parse(opened);
        try {
            route.check(in.topic(), opened, body);
        } catch (EnvelopeException e) {
            return Verified.refused(in, e.reason().name(), opened.sender(), opened.sequence(), e.getMessage());
        }
        try {
            return Verified.accepted(in, opened, BodyDecoder.decode(opened, body));
        } catch (BadBody e) {
            return Verified.refused(in, "BAD_BODY", opened.sender(), opened.sequence(), e.getMessage());
        }
    }
}
