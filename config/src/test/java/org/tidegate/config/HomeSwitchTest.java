package org.tidegate.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The file switch on real files: each state a crash can leave behind recovers to the old set, unless committed.
 * (The same with a killed gateway process: tests/…/management/KillDuringApplyTest.)
 */
class HomeSwitchTest {
    @TempDir
    Path home;

    private final SortedMap<String, String> oldSet = new TreeMap<>(Map.of("gateway.json", "{\"id\":\"a\"}\n",
            "devices/d1.json", "{\"id\":\"d1\"}\n", "profiles/p.json", "{\"id\":\"p\"}\n"));
    private final SortedMap<String, String> newSet = new TreeMap<>(Map.of("gateway.json", "{\"id\":\"b\"}\n",
            "devices/d2.json", "{\"id\":\"d2\"}\n", "profiles/p.json", "{\"id\":\"p\"}\n"));

    @Test
    void armedAndInstalledButNotCommittedRecoversTheOldFiles() throws IOException {
        HomeSwitch.install(home, oldSet);
        HomeSwitch.arm(home, oldSet, newSet, "1 -> 2");
        HomeSwitch.installNew(home);
        assertEquals(newSet, HomeFiles.read(home));
        assertEquals(HomeSwitch.Recovery.RESTORED_OLD, HomeSwitch.recover(home));
        assertEquals(oldSet, HomeFiles.read(home));
        assertFalse(Files.exists(home.resolve(HomeSwitch.DIR)));
        assertEquals(HomeSwitch.Recovery.NONE, HomeSwitch.recover(home), "idempotent");
    }

    @Test
    void halfInstalledRecoversTheOldFiles() throws IOException {
        HomeSwitch.install(home, oldSet);
        HomeSwitch.arm(home, oldSet, newSet, "1 -> 2");
        // a crash after the first file: gateway.json new, devices old
        Files.writeString(home.resolve("gateway.json"), newSet.get("gateway.json"));
        assertEquals(HomeSwitch.Recovery.RESTORED_OLD, HomeSwitch.recover(home));
        assertEquals(oldSet, HomeFiles.read(home));
    }

    @Test
    void aStageWithoutItsMarkerIsDiscardedAndTheHomeUntouched() throws IOException {
        HomeSwitch.install(home, oldSet);
        HomeSwitch.arm(home, oldSet, newSet, "1 -> 2");
        Files.delete(home.resolve(HomeSwitch.DIR).resolve(HomeSwitch.MARKER)); // as if the crash came before it
        assertEquals(HomeSwitch.Recovery.DISCARDED_STAGE, HomeSwitch.recover(home));
        assertEquals(oldSet, HomeFiles.read(home));
    }

    @Test
    void committedStandsAndRollbackRestores() throws IOException {
        HomeSwitch.install(home, oldSet);
        HomeSwitch.arm(home, oldSet, newSet, "1 -> 2");
        HomeSwitch.installNew(home);
        HomeSwitch.commit(home);
        assertEquals(HomeSwitch.Recovery.NONE, HomeSwitch.recover(home));
        assertEquals(newSet, HomeFiles.read(home));

        HomeSwitch.arm(home, newSet, oldSet, "2 -> 3");
        assertThrows(IOException.class, () -> HomeSwitch.arm(home, newSet, oldSet, "again"), "one switch at a time");
        HomeSwitch.installNew(home);
        HomeSwitch.rollback(home);
        assertEquals(newSet, HomeFiles.read(home));
        assertFalse(HomeSwitch.armed(home));
    }

    @Test
    void onlyConfigurationFileNamesAreInstalled() {
        assertTrue(HomeFiles.isConfigFile("devices/wl-001.json"));
        assertFalse(HomeFiles.isConfigFile("devices/../keys/gateway.key.pem"));
        assertFalse(HomeFiles.isConfigFile("keys/x.json"));
        assertFalse(HomeFiles.isConfigFile("devices/a/b.json"));
        assertThrows(IOException.class, () -> HomeSwitch.install(home, Map.of("../evil.json", "{}")));
    }
}
