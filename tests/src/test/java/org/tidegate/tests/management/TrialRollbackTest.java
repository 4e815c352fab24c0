package org.tidegate.tests.management;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.tidegate.cloud.RemoteManagement.Reply;

/**
 * The trial of a change, on the real gateway process with a real broker: a device that cannot come up and a broker
 * URL that does not answer are rolled back automatically within the configured time, the reply says so and why, and
 * telemetry resumes. Snapshots with SM3 digests, a rollback to a named revision, and a restart that keeps the remote
 * change in force.
 */
@Timeout(300)
class TrialRollbackTest {
    static final int TRIAL_SECONDS = 5;

    @TempDir
    Path tmp;

    @Test
    void aDeviceThatCannotComeUpAndABrokerThatDoesNotAnswerAreRolledBack() throws Exception {
        try (ManagementRig rig = new ManagementRig(tmp, TRIAL_SECONDS, TRIAL_SECONDS)) {
            rig.startGateway("pm-001");
            long r1 = rig.mgmt.getConfig().result().path("revision").asLong();
            int closed = closedPort();

            // a device nobody answers for: rolled back within the trial time, nothing left behind
            long t0 = System.currentTimeMillis();
            Reply dead = rig.mgmt.putDevice(r1, rig.pumpDevice("dead-01", closed));
            long took = System.currentTimeMillis() - t0;
            assertTrue(dead.rolledBack(), dead.reply()::toString);
            assertTrue(dead.error().contains("dead-01"), dead.error());
            assertEquals(r1, dead.result().path("revision").asLong());
            assertTrue(dead.result().path("attemptedRevision").asLong() > r1);
            assertTrue(dead.result().path("restored").asBoolean(), dead.reply()::toString);
            assertTrue(took < (TRIAL_SECONDS + 10) * 1000L, "rolled back in " + took + " ms");
            assertFalse(Files.exists(rig.home.resolve("devices/dead-01.json")));
            assertEquals(r1, rig.mgmt.getConfig().result().path("revision").asLong());
            long afterDead = System.currentTimeMillis();
            rig.waitFor(Duration.ofSeconds(20), () -> rig.telemetrySince("pm-001", afterDead) > 0, "pm-001 after rollback");

            // a broker URL that does not answer: not connected within brokerTrialSeconds, the previous broker restored;
            // the reply travels once the gateway is back on the old broker
            ObjectNode gateway = (ObjectNode) rig.mgmt.getConfig().result().path("files").path("gateway.json");
            ((ObjectNode) gateway.path("broker")).put("url", "tcp://127.0.0.1:" + closed);
            long t1 = System.currentTimeMillis();
            Reply broker = rig.mgmt.putGateway(r1, gateway);
            long tookBroker = System.currentTimeMillis() - t1;
            assertTrue(broker.rolledBack(), broker.reply()::toString);
            assertTrue(broker.error().contains("broker"), broker.error());
            assertTrue(tookBroker < (TRIAL_SECONDS + 20) * 1000L, "rolled back and answered in " + tookBroker + " ms");
            assertTrue(Files.readString(rig.home.resolve("gateway.json")).contains(":" + ((org.tidegate.cloud.broker.LabBroker) rig.broker).url().replaceAll(".*:", "")));
            long afterBroker = System.currentTimeMillis();
            rig.waitFor(Duration.ofSeconds(30), () -> rig.telemetrySince("pm-001", afterBroker) > 0, "telemetry resumes");
            assertEquals(r1, rig.mgmt.status().result().path("revision").asLong());
            System.out.println("rollback: device " + took + " ms, broker " + tookBroker + " ms (trial " + TRIAL_SECONDS + " s)");
        }
    }

    @Test
    void snapshotsRollbackByNameAndRestart() throws Exception {
        try (ManagementRig rig = new ManagementRig(tmp, TRIAL_SECONDS, TRIAL_SECONDS)) {
            rig.startGateway("pm-001");
            long r1 = rig.mgmt.getConfig().result().path("revision").asLong();
            Reply add = rig.mgmt.putDevice(r1, rig.pumpDevice("pump-01", rig.modbusPort));
            assertTrue(add.ok(), add.reply()::toString);
            long r2 = add.result().path("revision").asLong();
            Reply del = rig.mgmt.deleteDevice(r2, "pump-01");
            assertTrue(del.ok(), del.reply()::toString);
            long r3 = del.result().path("revision").asLong();

            Reply snaps = rig.mgmt.snapshots();
            JsonNode list = snaps.result().path("snapshots");
            assertTrue(list.size() >= 3 && list.size() <= 10, snaps.reply()::toString);
            for (JsonNode s : list) {
                assertTrue(s.path("digest").asText().matches("[0-9a-f]{64}"), s::toString);
            }
            assertEquals(add.result().path("digest").asText(), find(list, r2).path("digest").asText());
            assertTrue(find(list, r3).path("inForce").asBoolean());

            // roll back to revision r2 by name: a new revision with r2's files
            Reply back = rig.mgmt.rollback(r3, r2);
            assertTrue(back.ok(), back.reply()::toString);
            long r4 = back.result().path("revision").asLong();
            assertTrue(r4 > r3);
            assertEquals(r2, back.result().path("restoredFrom").asLong());
            assertEquals(add.result().path("digest").asText(), back.result().path("digest").asText(), "r2's files exactly");
            long t = System.currentTimeMillis();
            rig.waitFor(Duration.ofSeconds(20), () -> rig.telemetrySince("pump-01", t) > 0, "pump-01 is back");

            // restart: the remote change is still in force, with its revision
            rig.stop();
            rig.startGateway("pump-01");
            Reply after = rig.mgmt.getConfig();
            assertEquals(r4, after.result().path("revision").asLong(), after.reply()::toString);
            assertTrue(after.result().path("files").has("devices/pump-01.json"));
        }
    }

    private static JsonNode find(JsonNode list, long revision) {
        for (JsonNode s : list) {
            if (s.path("revision").asLong() == revision) {
                return s;
            }
        }
        throw new AssertionError("no snapshot " + revision + " in " + list);
    }

    static int closedPort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
