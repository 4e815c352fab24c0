package org.tidegate.cloud;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tidegate.crypto.ContentType;
import org.tidegate.crypto.EnvelopeException;
import org.tidegate.crypto.Opened;

/** {@link RouteCheck#checkDevice} (the body's device read by the caller) decides and words as the tree check does. */
class RouteCheckTest {
    private final RouteCheck route = new RouteCheck("tidegate");

    private static Opened telemetry(String sender, String device) {
        return new Opened(sender, ContentType.TELEMETRY, 4, 13, 1, 0x07,
                ("{\"device\":\"" + device + "\",\"samples\":[]}").getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void theDeviceGivenAsAStringIsCheckedAndWordedLikeTheOneInTheBody() throws Exception {
        Opened o = telemetry("gw-1", "pm-001");
        route.check("tidegate/gw-1/telemetry/pm-001", o);
        route.checkDevice("tidegate/gw-1/telemetry/pm-001", o, "pm-001");
        for (String topic : List.of("tidegate/gw-1/telemetry/pm-002", "tidegate/gw-2/telemetry/pm-001",
                "tidegate/gw-1/alarm/pm-001", "tidegate/gw-1/telemetry", "other/gw-1/telemetry/pm-001")) {
            EnvelopeException tree = assertThrows(EnvelopeException.class, () -> route.check(topic, o));
            EnvelopeException given = assertThrows(EnvelopeException.class, () -> route.checkDevice(topic, o, "pm-001"));
            assertEquals(EnvelopeException.Reason.TOPIC_MISMATCH, given.reason());
            assertEquals(tree.getMessage(), given.getMessage(), topic);
        }
        EnvelopeException none = assertThrows(EnvelopeException.class,
                () -> route.checkDevice("tidegate/gw-1/telemetry/pm-001", o, null));
        assertEquals("TOPIC_MISMATCH: topic tidegate/gw-1/telemetry/pm-001 names device \"pm-001\" but the body's \"device\" is"
                + " missing (seq=13)", none.getMessage());
    }
}
