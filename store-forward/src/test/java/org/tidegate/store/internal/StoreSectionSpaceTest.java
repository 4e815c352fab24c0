package org.tidegate.store.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tidegate.core.config.ConfigNode;
import org.tidegate.core.config.ConfigProblem;
import org.tidegate.core.config.ConfigProblems;
import org.tidegate.core.config.HomeInfo;
import org.tidegate.store.sqlite.SqliteQueue;

/** {@code validate} warns when the store's directory has less free space than start-up needs (issue 11). */
class StoreSectionSpaceTest {
    @TempDir
    Path home;

    private static List<ConfigProblem> warnings(Path home) throws Exception {
        ConfigProblems problems = new ConfigProblems();
        ConfigNode s = ConfigNode.root("gateway.json", ConfigNode.mapper().readTree("{\"path\": \"data/queue.db\"}"),
                problems);
        new StoreSection().properties(s, new HomeInfo(home, "gw-1", name -> null));
        assertEquals(0, problems.errorCount(), problems.describeErrors());
        return problems.warnings();
    }

    @Test
    void noWarningWithEnoughSpace() throws Exception {
        Assumptions.assumeTrue(SqliteQueue.usableBytes(home) > 2 * StoreSection.STARTUP_FREE_BYTES, "a roomy temp dir");
        assertEquals(List.of(), warnings(home));
    }

    @Test
    void warnsOnASmallPartition() throws Exception {
        Path data = home.resolve("data");
        Files.createDirectories(data);
        Assumptions.assumeTrue(run("mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", data.toString()),
                "needs root to mount a small tmpfs");
        try {
            List<ConfigProblem> w = warnings(home);
            assertEquals(1, w.size(), w.toString());
            String text = w.get(0).toString();
            assertTrue(text.contains("bytes free under " + data) && text.contains("osgi-cache"), text);
        } finally {
            run("umount", data.toString());
        }
    }

    private static boolean run(String... command) throws Exception {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (java.io.IOException e) {
            return false;
        }
    }
}
