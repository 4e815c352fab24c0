package org.tidegate.tests.store;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link StoreCrashTest} for the pipelined calls (issue 17): the child ({@link PipelinedAppendCrashChild}) keeps
 * many {@code appendAsync} calls outstanding per thread and acknowledges with {@code acknowledgeAsync}, logging an
 * append only when its future completed and an acknowledgement when its future completed. After every SIGKILL
 * the same checks hold: every append whose future completed is in the queue or was being acknowledged; every
 * completed acknowledgement deleted its message; no phantom rows; no sequence number repeats or goes back.
 * Kills: system property {@code tidegate.crash.kills} (default 15).
 */
class PipelinedAppendCrashTest {
    @TempDir
    Path dir;

    @Test
    void sigkillLosesNoAppendWhoseFutureCompletedAndNoAcknowledgementWhoseFutureCompleted() throws Exception {
        StoreCrashTest.killRepeatedly(dir, PipelinedAppendCrashChild.class, Integer.getInteger("tidegate.crash.kills", 15),
                "pipelined crash test");
    }
}
