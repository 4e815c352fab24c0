package org.tidegate.tests.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tidegate.store.StoredMessage;
import org.tidegate.store.sqlite.QueueOptions;
import org.tidegate.store.sqlite.SqliteQueue;

/**
 * Kills a writer JVM ({@link StoreCrashChild}) with SIGKILL at random moments while it appends and
 * acknowledges, many times over the same queue, and proves after every kill that
 * <ul>
 * <li>every append that returned is either still in the queue or was being acknowledged (delivered);</li>
 * <li>every acknowledgement that returned has deleted its message;</li>
 * <li>the queue holds no message whose sequence number was never handed out (no phantom rows);</li>
 * <li>no sequence number repeats, and each run's numbers are all greater than every earlier run's.</li>
 * </ul>
 * Kills: system property {@code tidegate.crash.kills} (default 30).
 */
class StoreCrashTest {
    @TempDir
    Path dir;

    @Test
    void sigkillAtRandomMomentsLosesNoReturnedAppendAndNeverRepeatsASequenceNumber() throws Exception {
        killRepeatedly(dir, StoreCrashChild.class, Integer.getInteger("tidegate.crash.kills", 30), "crash test");
    }

    /**
     * Starts {@code child} (a writer that logs its outcomes as {@link StoreCrashChild} describes) on the queue in
     * {@code dir}, kills it with SIGKILL at a random moment, checks the queue against its log, {@code kills} times.
     */
    static void killRepeatedly(Path dir, Class<?> childClass, int kills, String label) throws Exception {
        Random random = new Random(Long.getLong("tidegate.crash.seed", System.nanoTime()));
        Map<Long, Long> appendedSeqById = new HashMap<>();
        Set<Long> ackIntended = new HashSet<>();
        Set<Long> acked = new HashSet<>();
        Set<Long> allSequences = new HashSet<>();
        long maxSequenceBefore = 0;
        int appendsSeen = 0;

        for (int run = 0; run < kills; run++) {
            Process child = startChild(dir, childClass, run);
            try {
                awaitReady(dir, child, run);
                Thread.sleep(30 + random.nextInt(470));
            } finally {
                child.destroyForcibly(); // SIGKILL on Linux
                assertTrue(child.waitFor(30, TimeUnit.SECONDS), "child did not die");
            }
            assertEquals(137, child.exitValue(), "run " + run + " must have died of SIGKILL, not on its own");

            // This run's log.
            long runMin = Long.MAX_VALUE;
            long runMax = 0;
            for (String line : Files.readAllLines(dir.resolve("log-" + run + ".txt"), StandardCharsets.US_ASCII)) {
                String[] f = line.split(" ");
                switch (f[0]) {
                    case "S" -> {
                        long seq = Long.parseLong(f[1]);
                        assertTrue(allSequences.add(seq), "sequence " + seq + " handed out twice");
                        runMin = Math.min(runMin, seq);
                        runMax = Math.max(runMax, seq);
                    }
                    case "A" -> {
                        appendedSeqById.put(Long.parseLong(f[1]), Long.parseLong(f[2]));
                        appendsSeen++;
                    }
                    case "K" -> ackIntended.add(Long.parseLong(f[1]));
                    case "D" -> acked.add(Long.parseLong(f[1]));
                    default -> {
                        if (!line.isEmpty()) {
                            fail("unexpected log line \"" + line + "\" in run " + run);
                        }
                    }
                }
            }
            if (runMin != Long.MAX_VALUE) {
                assertTrue(runMin > maxSequenceBefore, "run " + run + " handed out " + runMin
                        + " although " + maxSequenceBefore + " was handed out before the kill");
                maxSequenceBefore = runMax;
            }

            // The database as the killed process left it.
            Map<Long, Long> rows = readRows(dir.resolve("queue.db"));
            for (Map.Entry<Long, Long> a : appendedSeqById.entrySet()) {
                long id = a.getKey();
                if (rows.containsKey(id)) {
                    assertEquals(a.getValue(), rows.get(id), "row " + id + " has the wrong sequence");
                } else {
                    assertTrue(ackIntended.contains(id), "run " + run + ": append id=" + id + " seq=" + a.getValue()
                            + " returned but is neither in the queue nor acknowledged");
                }
            }
            for (long id : acked) {
                assertFalse(rows.containsKey(id), "acknowledged id " + id + " is still in the queue");
            }
            Set<Long> rowSequences = new HashSet<>();
            for (long seq : rows.values()) {
                assertTrue(allSequences.contains(seq), "phantom row with sequence " + seq);
                assertTrue(rowSequences.add(seq), "two rows with sequence " + seq);
            }
        }
        assertTrue(appendsSeen > kills, "the writers did work: " + appendsSeen + " appends in " + kills + " runs");

        // Finally the queue opens normally and hands out what is left by priority, then age.
        Map<Long, Long> rows = readRows(dir.resolve("queue.db"));
        try (SqliteQueue q = SqliteQueue.open(QueueOptions.defaults(dir.resolve("queue.db")))) {
            List<StoredMessage> all = new ArrayList<>();
            for (List<StoredMessage> b; !(b = q.takeBatch(1000)).isEmpty(); ) {
                all.addAll(b);
            }
            assertEquals(rows.size(), all.size());
            for (int i = 1; i < all.size(); i++) {
                StoredMessage a = all.get(i - 1);
                StoredMessage b = all.get(i);
                assertTrue(a.priority() > b.priority() || (a.priority() == b.priority() && a.id() < b.id()),
                        "order " + a + " then " + b);
            }
        }
        System.out.printf("%s: %d kills, %d appends returned, %d acknowledged, %d left in the queue%n",
                label, kills, appendsSeen, acked.size(), rows.size());
    }

    private static Process startChild(Path dir, Class<?> childClass, int run) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        // org.sqlite.tmpdir: a killed JVM cannot delete the native library sqlite-jdbc extracted; keep it in @TempDir.
        List<String> cmd = List.of(java, "-Xmx128m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                "-Dorg.sqlite.tmpdir=" + dir, "-cp",
                System.getProperty("java.class.path"), childClass.getName(), dir.toString(),
                Integer.toString(run));
        return new ProcessBuilder(cmd).redirectError(dir.resolve("child-" + run + ".err").toFile()).start();
    }

    private static void awaitReady(Path dir, Process child, int run) throws Exception {
        BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            String line = out.readLine();
            if (line == null) {
                fail("child " + run + " exited before READY: " + Files.readString(dir.resolve("child-" + run + ".err")));
            }
            if (line.equals("READY")) {
                return;
            }
        }
        fail("child " + run + " not ready within 60 s");
    }

    /** id → sequence of every row, read the way the next process would (WAL recovery included). */
    private static Map<Long, Long> readRows(Path db) throws Exception {
        Map<Long, Long> rows = new HashMap<>();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
             Statement st = c.createStatement()) {
            st.execute("PRAGMA locking_mode=EXCLUSIVE");
            try (ResultSet rs = st.executeQuery("SELECT id, sequence FROM message")) {
                while (rs.next()) {
                    rows.put(rs.getLong(1), rs.getLong(2));
                }
            }
        }
        return rows;
    }
}
