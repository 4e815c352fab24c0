package org.tidegate.uplink;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import org.tidegate.cloud.broker.EmbeddedBroker;
import org.tidegate.cloud.broker.LabBroker;
import org.tidegate.cloud.broker.MosquittoBroker;
import org.tidegate.core.testing.ExternalTools;

/** The brokers the tests run against: Debian's mosquitto (a real process) and the embedded lab broker (MQTT 5). */
final class Brokers {
    private Brokers() {
    }

    static MosquittoBroker mosquitto(Path dir) throws Exception {
        assumeTrue(ExternalTools.usable("mosquitto") || MosquittoBroker.installed(), "mosquitto not installed");
        return new MosquittoBroker(dir);
    }

    /** {@code mosquitto} or {@code embedded}, started. */
    static LabBroker start(String kind, Path dir) throws Exception {
        LabBroker b = kind.equals("mosquitto") ? mosquitto(dir) : new EmbeddedBroker(0);
        b.start();
        return b;
    }
}
