package org.tidegate.uplink;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tidegate.crypto.ContentType;
import org.tidegate.crypto.EnvelopeSealer;
import org.tidegate.crypto.SealerOptions;
import org.tidegate.uplink.bench.UplinkRig;
import org.tidegate.uplink.internal.LinkStatus;

/** The {@code link} object of the status message counts what the command path refused, by reason. */
class LinkStatusTest {
    @TempDir
    Path dir;

    @Test
    void refusedCommandsAreCountedByReasonInTheStatus() throws Exception {
        TestKeys keys = TestKeys.create(dir);
        try (UplinkRig rig = UplinkRig.open(dir.resolve("data"), DeliveryTest.options("tcp://127.0.0.1:9"),
                keys.gateway().getPrivate(), "cloud", keys.cloud().getPublic(), q -> q)) {
            EnvelopeSealer plain = new EnvelopeSealer("cloud", keys.cloud().getPrivate(), keys.gateway().getPublic(),
                    SealerOptions.defaults().withEncrypt(false));
            long seq = System.currentTimeMillis() * 1000;
            rig.commands().accept("junk".getBytes(StandardCharsets.US_ASCII));
            rig.commands().accept(plain.seal(ContentType.COMMAND, 9, seq,
                    ("{\"gateway\":\"" + DeliveryTest.GW + "\",\"op\":\"ping\"}").getBytes(StandardCharsets.UTF_8)));
            LinkStatus link = new LinkStatus(rig.commands().processor(), rig.commands(), rig.uplink()::state);
            long deadline = System.nanoTime() + 10_000_000_000L;
            Map<?, ?> refused = Map.of();
            while (System.nanoTime() < deadline && refused.size() < 2) {
                refused = (Map<?, ?>) link.status().get("commandsRefused");
                Thread.sleep(20);
            }
            assertEquals(Map.of("BAD_FRAME", 1L, "NOT_ENCRYPTED", 1L), refused);
            assertEquals(0L, link.status().get("commandsAccepted"));
            assertEquals("link", link.name());
        }
    }
}
