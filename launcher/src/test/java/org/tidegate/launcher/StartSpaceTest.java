package org.tidegate.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 11: a gateway that cannot start for lack of space says so, in one line, before booting. */
class StartSpaceTest {
    @Test
    void tooLittleSpaceUnderDataIsNamedWithBothFigures() {
        assertEquals("not enough free space under /gw/data: 12 MB free, about 40 MB needed",
                GatewayRuntime.notEnoughSpace(Path.of("/gw/data"), 12L * 1024 * 1024 + 5, 40));
        assertNull(GatewayRuntime.notEnoughSpace(Path.of("/gw/data"), 40L * 1024 * 1024, 40));
    }

    @Test
    void aHomeWithoutDataYetIsCheckedOnItsFileSystem(@TempDir Path home) {
        // The temporary directory's file system has room (else the build itself would not run).
        assertNull(GatewayRuntime.notEnoughSpace(home.resolve("not-yet")));
    }
}
