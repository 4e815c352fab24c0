package org.tidegate.tests.management;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.tidegate.cloud.RemoteManagement.Reply;
import org.tidegate.crypto.SmKeys;

/**
 * Remote configuration against the real gateway process and a real broker: get, put/delete a device and a profile,
 * conflicts (two changes on one base; a local file edit between get and put), a duplicate answered with its stored
 * outcome, an invalid profile answered with every problem and nothing applied, a coil written and read back, a
 * read-only channel refused, a device's connection restarted (the simulator sees a new TCP connection), log lines
 * through the recent-log ring of a gateway that logs to the journal only (no file), and the audit of every command.
 */
@Timeout(300)
class RemoteConfigTest {
    @TempDir
    Path tmp;

    @Test
    void changesNameTheirRevisionAndApplyAllOrNothing() throws Exception {
        try (ManagementRig rig = new ManagementRig(tmp, 10, 10)) {
            rig.journalOnly = true; // as under systemd: no log file, and gateway.logs must still answer
            rig.startGateway("pm-001");
            assertFalse(Files.exists(rig.home.resolve("logs/tidegate.log")), "journal only: no log file");

            // get: the running document and its revision; secrets never leave the gateway
            Reply get = rig.mgmt.getConfig();
            assertTrue(get.ok(), get.reply()::toString);
            long r1 = get.result().path("revision").asLong();
            assertTrue(r1 >= 1);
            assertTrue(get.result().path("files").has("devices/pm-001.json"));
            assertTrue(get.result().path("files").has("gateway.json"));
            assertEquals(64, get.result().path("digest").asText().length(), "SM3 hex digest");
            String fingerprint = SmKeys.fingerprint(org.tidegate.crypto.SmKeys.publicKeyOf(rig.demo.cloudKey()));
            assertEquals(fingerprint, get.reply().path("audit").path("keyFingerprint").asText(), "who sealed it");

            // put a device: it runs, its telemetry arrives
            long beforeAdd = System.currentTimeMillis();
            ObjectNode pump = rig.pumpDevice("pump-01", rig.modbusPort);
            org.tidegate.cloud.RemoteManagement.Reply add = rig.mgmt.call(
                    org.tidegate.cloud.RemoteManagement.op("config.put.device").put("id", "add-pump-01")
                            .put("baseRevision", r1).set("device", pump));
            assertTrue(add.ok(), add.reply()::toString);
            long r2 = add.result().path("revision").asLong();
            assertTrue(r2 > r1);
            assertEquals("ok", add.reply().path("audit").path("outcome").asText());
            assertEquals(r1, add.reply().path("audit").path("revisionBefore").asLong());
            assertEquals(r2, add.reply().path("audit").path("revisionAfter").asLong());
            rig.waitFor(Duration.ofSeconds(20), () -> rig.telemetrySince("pump-01", beforeAdd) > 0, "pump-01 telemetry");

            // the same change again (a retry in a new envelope, same id): its stored outcome, nothing applied again
            Reply again = rig.mgmt.call(org.tidegate.cloud.RemoteManagement.op("config.put.device").put("id", "add-pump-01")
                    .put("baseRevision", r1).set("device", pump));
            assertTrue(again.ok(), again.reply()::toString);
            assertTrue(again.reply().path("duplicate").asBoolean(), again.reply()::toString);
            assertEquals(r2, again.result().path("revision").asLong());
            assertEquals(r2, rig.mgmt.getConfig().result().path("revision").asLong());

            // a second change made from the same base: conflict, with the revision in force
            ObjectNode other = rig.pumpDevice("pump-02", rig.modbusPort);
            Reply conflict = rig.mgmt.putDevice(r1, other);
            assertFalse(conflict.ok());
            assertTrue(conflict.conflict(), conflict.reply()::toString);
            assertEquals(r2, conflict.result().path("revision").asLong());
            assertEquals("CONFLICT", conflict.reply().path("audit").path("outcome").asText());

            // an invalid profile: every problem, FILE: JSON-PATH: REASON; nothing applied, the revision untouched
            JsonNode bad = ManagementRig.json("""
                    { "id": "bad-meter", "protocol": "modbus", "colour": "red",
                      "channels": [ { "id": "v", "address": "ir:0", "type": "float33" },
                                    { "id": "w", "address": "zz:1", "type": "uint16" } ] }
                    """);
            Reply invalid = rig.mgmt.putProfile(r2, bad);
            assertEquals("INVALID", invalid.code(), invalid.reply()::toString);
            List<String> problems = new ArrayList<>();
            invalid.result().path("problems").forEach(p -> problems.add(p.asText()));
            assertTrue(problems.size() >= 3, () -> "every problem: " + problems);
            assertTrue(problems.stream().allMatch(p -> p.startsWith("profiles/bad-meter.json: $")), problems::toString);
            assertTrue(problems.stream().anyMatch(p -> p.contains("$.colour")), problems::toString);
            assertTrue(problems.stream().anyMatch(p -> p.contains("$.channels[0].type")), problems::toString);
            assertTrue(problems.stream().anyMatch(p -> p.contains("$.channels[1].address")), problems::toString);
            assertFalse(Files.exists(rig.home.resolve("profiles/bad-meter.json")), "nothing written");
            assertEquals(r2, rig.mgmt.getConfig().result().path("revision").asLong());

            // a valid profile, and a device using it; then the profile cannot go while the device uses it
            JsonNode profile = ManagementRig.json("""
                    { "id": "pump-panel", "protocol": "modbus", "channels": [
                        { "id": "pump", "address": "coil:0", "type": "bool", "access": "readwrite" },
                        { "id": "voltage", "address": "ir:0", "type": "float32", "unit": "V" } ] }
                    """);
            Reply putProfile = rig.mgmt.putProfile(r2, profile);
            assertTrue(putProfile.ok(), putProfile.reply()::toString);
            long r3 = putProfile.result().path("revision").asLong();
            assertTrue(Files.exists(rig.home.resolve("profiles/pump-panel.json")));

            // a local edit between get and put: the file scan's revision makes the put a conflict
            Reply get3 = rig.mgmt.getConfig();
            assertEquals(r3, get3.result().path("revision").asLong());
            Path pumpFile = rig.home.resolve("devices/pump-01.json");
            Files.writeString(pumpFile, Files.readString(pumpFile).replace("\"pollIntervalMs\" : 500", "\"pollIntervalMs\" : 700"));
            Reply late = rig.mgmt.deleteDevice(r3, "pump-01");
            assertTrue(late.conflict(), late.reply()::toString);
            long r4 = late.result().path("revision").asLong();
            assertTrue(r4 > r3, "the local edit is a revision of its own");
            Reply snaps = rig.mgmt.snapshots();
            assertTrue(contains(snaps.result().path("snapshots"), r4, "local"), snaps.reply()::toString);

            // the file scan applies the local edit (pump-01 restarts with it): wait for its polls
            Thread.sleep(2500);
            long edited = System.currentTimeMillis();
            rig.waitFor(Duration.ofSeconds(20), () -> rig.telemetrySince("pump-01", edited) > 0, "pump-01 after the edit");

            // write the simulator's coil and read it back; a read-only channel is refused
            Reply write = rig.mgmt.write("pump-01", "pump", ManagementRig.JSON.getNodeFactory().booleanNode(true));
            assertTrue(write.ok(), write.reply()::toString);
            assertTrue(rig.sim.meter().coil(0), "the simulator's coil is set");
            Reply read = rig.mgmt.read("pump-01", "pump");
            assertTrue(read.ok(), read.reply()::toString);
            assertTrue(read.result().path("v").asBoolean(), read.reply()::toString);
            Reply readOnly = rig.mgmt.write("pump-01", "voltage", ManagementRig.JSON.getNodeFactory().numberNode(1.0));
            assertEquals("NOT_WRITABLE", readOnly.code(), readOnly.reply()::toString);
            Reply voltage = rig.mgmt.read("pump-01", "voltage");
            assertEquals(230.0, voltage.result().path("v").asDouble(), 10.0, voltage.reply()::toString);

            // delete the device: its telemetry stops
            Reply delete = rig.mgmt.deleteDevice(r4, "pump-01");
            assertTrue(delete.ok(), delete.reply()::toString);
            long deletedAt = System.currentTimeMillis();
            Thread.sleep(2500);
            assertEquals(0, rig.telemetrySince("pump-01", deletedAt + 500), "no telemetry after the delete");
            assertTrue(rig.telemetrySince("pm-001", deletedAt) > 0, "the others go on");

            // status: the running revision
            Reply status = rig.mgmt.status();
            assertEquals(delete.result().path("revision").asLong(), status.result().path("revision").asLong());

            // restart a device's connection: the simulator sees its TCP connection closed and a new one, polled at once
            long accepted = rig.sim.tcpConnectionsAccepted();
            java.util.Set<Integer> clientPorts = rig.sim.tcpClientPorts();
            Reply restart = rig.mgmt.restart("pm-001");
            assertTrue(restart.ok(), restart.reply()::toString);
            assertEquals("up", restart.result().path("state").asText(), restart.reply()::toString);
            assertEquals(1, restart.result().path("restarts").asLong(), restart.reply()::toString);
            assertTrue(rig.sim.tcpConnectionsAccepted() > accepted, "a new TCP connection");
            rig.waitFor(Duration.ofSeconds(5), () -> !rig.sim.tcpClientPorts().containsAll(clientPorts),
                    "pm-001's old TCP connection closed");
            Reply unknown = rig.mgmt.restart("no-such-device");
            assertEquals("NOT_FOUND", unknown.code(), unknown.reply()::toString);
            assertTrue(unknown.reply().path("error").asText().contains("no running device \"no-such-device\""),
                    unknown.reply()::toString);

            // logs: lines the gateway logged (the restart, with who asked), from the ring, though there is no file
            Reply logs = rig.mgmt.logs(20);
            assertTrue(logs.ok(), logs.reply()::toString);
            List<String> lines = new ArrayList<>();
            logs.result().path("lines").forEach(l -> lines.add(l.asText()));
            assertTrue(lines.size() > 0 && lines.size() <= 20, lines::toString);
            assertTrue(lines.stream().anyMatch(l -> l.contains("device=pm-001 connection restarted for remote management")),
                    lines::toString);
            assertFalse(Files.exists(rig.home.resolve("logs/tidegate.log")), "still no log file");
            Reply negative = rig.mgmt.logs(-5);
            assertFalse(negative.ok(), "lines -5 is refused, not taken as 1");
            assertEquals("BAD_REQUEST", negative.code(), negative.reply().toString());
            Reply afterRestart = rig.mgmt.status();
            JsonNode pm = null;
            for (JsonNode d : afterRestart.result().path("devices")) {
                pm = d.path("device").asText().equals("pm-001") ? d : pm;
            }
            assertTrue(pm != null && pm.path("restarts").asLong() == 1, () -> "restarts in gateway.status: " + afterRestart.reply());

            // apply a whole set: the document from get plus one device, in one change
            Reply whole = rig.mgmt.getConfig();
            ObjectNode files = (ObjectNode) whole.result().path("files").deepCopy();
            files.set("devices/pump-03.json", rig.pumpDevice("pump-03", rig.modbusPort));
            long beforeWhole = System.currentTimeMillis();
            Reply applied = rig.mgmt.apply(whole.result().path("revision").asLong(), files);
            assertTrue(applied.ok(), applied.reply()::toString);
            assertEquals(List.of("pump-03"), List.of(applied.result().path("changed").path("devices").get(0).asText()));
            assertTrue(Files.readString(rig.home.resolve("gateway.json")).contains("trialSeconds"), "gateway.json kept");
            rig.waitFor(Duration.ofSeconds(20), () -> rig.telemetrySince("pump-03", beforeWhole) > 0, "pump-03 telemetry");
            status = rig.mgmt.status();

            // the command line: config get prints the reply; a change from an old base exits 4 (conflict)
            long now = status.result().path("revision").asLong();
            CliRun get2 = cli(rig, "config", "get");
            assertEquals(0, get2.exit(), get2.out());
            assertEquals(now, ManagementRig.json(get2.out()).path("result").path("revision").asLong());
            CliRun stale = cli(rig, "--base", String.valueOf(r1), "config", "delete-device", "pm-001");
            assertEquals(4, stale.exit(), stale.out());
            CliRun ro = cli(rig, "device", "write", "pm-001", "voltageL1", "1");
            assertEquals(1, ro.exit(), ro.out());
            assertTrue(ro.out().contains("NOT_WRITABLE"), ro.out());

            // the audit log has every command with who sealed it and the outcome
            List<String> audit = Files.readAllLines(rig.home.resolve("management/audit.log"));
            assertTrue(audit.size() >= 20, () -> "audit lines: " + audit.size());
            assertTrue(audit.stream().allMatch(l -> l.contains("\"keyFingerprint\":\"" + fingerprint + "\"")));
            assertTrue(audit.stream().anyMatch(l -> l.contains("\"outcome\":\"INVALID\"")));
            assertTrue(audit.stream().anyMatch(l -> l.contains("\"duplicate\":true")));
        }
    }

    record CliRun(int exit, String out) {
    }

    /** The distribution's {@code tidegate command} against the rig's broker and gateway. */
    private static CliRun cli(ManagementRig rig, String... words) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(ManagementRig.DIST.toString(), "command", "--broker", rig.broker.url(),
                "--key", rig.home.resolve("cloud/cloud.key.pem").toString(),
                "--gateway-key", rig.home.resolve("keys/gateway.pub.pem").toString(),
                "--gateway", org.tidegate.demo.DemoHome.GATEWAY_ID, "--seq-file", rig.tmp.resolve("cli.seq").toString(),
                "--wait", "60"));
        cmd.addAll(List.of(words));
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).trim();
        assertTrue(p.waitFor(90, java.util.concurrent.TimeUnit.SECONDS));
        return new CliRun(p.exitValue(), out);
    }

    private static boolean contains(JsonNode snapshots, long revision, String source) {
        for (JsonNode s : snapshots) {
            if (s.path("revision").asLong() == revision && source.equals(s.path("source").asText())) {
                return true;
            }
        }
        return false;
    }
}
