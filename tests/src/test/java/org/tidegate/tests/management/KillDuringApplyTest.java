package org.tidegate.tests.management;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.tidegate.cloud.RemoteManagement;
import org.tidegate.cloud.RemoteManagement.Reply;
import org.tidegate.config.HomeFiles;
import org.tidegate.config.HomeLoader;
import org.tidegate.config.LoadResult;

/**
 * SIGKILL at six points of a remote change — before it arrives, while it is validated, staged, installed, and
 * during its trial — and restart: the gateway runs exactly the old or the new revision, the files on disk are exactly
 * the old or the new set, and they validate. A change whose trial cannot pass (its device never answers) always ends
 * in the old revision: a power cut during the trial never leaves an untried configuration in force. A kill seen
 * in the log as "armed" may still end new when the commit had happened but its log line was not yet written.
 */
@Timeout(400)
class KillDuringApplyTest {
    @TempDir
    Path tmp;

    @Test
    void aKillAtAnyPointLeavesTheOldOrTheNewRevision() throws Exception {
        List<String> seen = new ArrayList<>();
        try (ManagementRig rig = new ManagementRig(tmp, 3, 3)) {
            rig.startGateway("pm-001");
            int closed = TrialRollbackTest.closedPort();
            // Kill points: some timed after the command left, some on what the gateway logs (so that the armed and the
            // committed phases are hit on a loaded machine too). dead: the device never answers, its trial cannot pass.
            record Point(boolean dead, String after, long ms) {
            }
            List<Point> points = List.of(new Point(false, null, 0), new Point(false, ": armed", 0),
                    new Point(false, null, 300), new Point(true, ": armed", 1000), new Point(false, "in force (trial passed", 0),
                    new Point(false, null, 900));
            int n = 0;
            for (Point point : points) {
                boolean dead = point.dead();
                String offset = (point.after() == null ? "" : "'" + point.after().trim() + "'+") + point.ms();
                Reply get = rig.mgmt.getConfig();
                long before = get.result().path("revision").asLong();
                SortedMap<String, String> oldFiles = HomeFiles.read(rig.home);
                String id = "dev-" + (++n);
                ObjectNode device = rig.pumpDevice(id, dead ? closed : rig.modbusPort);
                ObjectNode command = RemoteManagement.op("config.put.device").put("id", "kill-" + n)
                        .put("baseRevision", before);
                command.set("device", device);
                int mark = rig.output().length(); // this process may have applied earlier changes: look past them
                rig.sender().send(command.toString().getBytes(StandardCharsets.UTF_8)); // returns on the broker's PUBACK
                if (point.after() != null) {
                    String line = point.after();
                    rig.waitFor(java.time.Duration.ofSeconds(30), () -> {
                        try {
                            return rig.output().substring(mark).contains(line);
                        } catch (java.io.IOException e) {
                            return false;
                        }
                    }, "the gateway logs " + line);
                }
                Thread.sleep(point.ms());
                rig.kill();
                String killedLog = rig.output().substring(mark);
                String phase = !killedLog.contains(": armed") ? "before-arm"
                        : killedLog.contains("in force (trial passed") ? "committed" : "armed/trial";

                rig.startGateway("pm-001");
                Reply after = rig.mgmt.getConfig(); // queued behind a command the broker may deliver again
                long revision = after.result().path("revision").asLong();
                SortedMap<String, String> files = HomeFiles.read(rig.home);
                boolean isNew = files.containsKey("devices/" + id + ".json");
                SortedMap<String, String> expectedOld = oldFiles;
                if (isNew) {
                    assertTrue(revision > before, "new files, new revision");
                    assertEquals(oldFiles.keySet().size() + 1, files.size(), "old files plus the device: " + files.keySet());
                    assertTrue(files.keySet().containsAll(oldFiles.keySet()));
                    for (String f : oldFiles.keySet()) {
                        assertEquals(oldFiles.get(f), files.get(f), f + " unchanged");
                    }
                } else {
                    assertEquals(before, revision, "old files, old revision (" + id + ", kill after " + offset + " ms)");
                    assertEquals(expectedOld, files, "exactly the old files");
                }
                assertTrue(!dead || !isNew, "a change whose trial cannot pass is never in force after a kill");
                if (phase.equals("armed/trial") && !isNew) {
                    assertTrue(rig.output().contains("interrupted remote configuration change was rolled back"),
                            "the start says it rolled the interrupted change back");
                }
                // The log trails the files: the commit (one rename) comes before its log line, and a kill between the
                // two leaves the new files with only the "armed" line printed. A change whose trial cannot pass (dead)
                // never commits, so for it the armed phase must end old; the assertion on `dead` above checks that.
                if (phase.equals("committed")) {
                    assertTrue(isNew, "killed after the commit: the new files stand");
                }
                LoadResult check = HomeLoader.check(rig.home);
                assertTrue(check.ok(), () -> "files on disk validate: " + check.errors());
                assertTrue(!java.nio.file.Files.exists(rig.home.resolve("config-switch/ARMED")), "no armed switch left");
                seen.add((dead ? "dead" : "good") + "@" + offset + "ms:" + phase + "=" + (isNew ? "new" : "old"));
                if (isNew) {
                    // take the device out again so the next round starts from a small home
                    Reply del = rig.mgmt.deleteDevice(revision, id);
                    assertTrue(del.ok(), del.reply()::toString);
                }
            }
        }
        System.out.println("kill points: " + seen);
        assertTrue(seen.stream().anyMatch(s -> s.contains(":armed/trial=old")), "some kills fell into an armed switch: " + seen);
        assertTrue(seen.stream().anyMatch(s -> s.contains(":before-arm=")), "some kills came before it: " + seen);
        assertTrue(seen.stream().anyMatch(s -> s.contains(":committed=new")), "some kills came after the commit: " + seen);
    }
}
