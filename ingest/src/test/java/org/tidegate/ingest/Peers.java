package org.tidegate.ingest;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.tidegate.cloud.broker.MosquittoBroker;
import org.tidegate.lab.postgres.PostgresCluster;

/** The peers every ingest test needs: mosquitto (shared subscriptions, MQTT 5) and PostgreSQL. */
final class Peers {
    private Peers() {
    }

    /** Skips on a developer machine without them; fails in CI (.ci/run installs both). */
    static void require() {
        boolean ok = MosquittoBroker.installed() && PostgresCluster.installed();
        if (!ok && System.getenv("CI") != null) {
            throw new IllegalStateException("mosquitto and PostgreSQL are required in CI (mosquitto: "
                    + MosquittoBroker.installed() + ", PostgreSQL: " + PostgresCluster.installed()
                    + "): .ci/run should install them");
        }
        assumeTrue(ok, "mosquitto or PostgreSQL is not installed");
    }
}
