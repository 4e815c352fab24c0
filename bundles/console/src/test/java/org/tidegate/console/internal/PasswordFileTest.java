package org.tidegate.console.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PasswordFileTest {
    @TempDir
    Path home;

    @Test
    void storesASaltedSlowHashNeverTheClearPasswordAndChecksIt() throws Exception {
        PasswordFile.write(home, "river-gauge-7".toCharArray());
        Path f = PasswordFile.path(home);
        String line = Files.readString(f).trim();
        assertFalse(line.contains("river-gauge-7"), line);
        String[] parts = line.split(":");
        assertEquals("pbkdf2-sha256", parts[0]);
        assertEquals(String.valueOf(PasswordFile.ITERATIONS), parts[1]);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(f)));
        assertTrue(PasswordFile.matches(home, "river-gauge-7".toCharArray()));
        assertFalse(PasswordFile.matches(home, "river-gauge-8".toCharArray()));
        assertFalse(PasswordFile.matches(home, "".toCharArray()));

        // The same password again: a new salt, so a new hash.
        PasswordFile.write(home, "river-gauge-7".toCharArray());
        assertNotEquals(line, Files.readString(f).trim());
        assertTrue(PasswordFile.matches(home, "river-gauge-7".toCharArray()));
    }

    @Test
    void refusesShortPasswordsAndReportsADamagedFile() throws Exception {
        assertThrows(IllegalArgumentException.class, () -> PasswordFile.write(home, "short".toCharArray()));
        assertFalse(PasswordFile.exists(home));
        Files.createDirectories(PasswordFile.path(home).getParent());
        Files.writeString(PasswordFile.path(home), "plain-text-password\n");
        var e = assertThrows(java.io.IOException.class, () -> PasswordFile.matches(home, "plain-text-password".toCharArray()));
        assertTrue(e.getMessage().contains("tidegate console-password"), e.getMessage());
    }

    @Test
    void loginGuardTakesThePasswordRefusesWrongOnesAndRateLimitsEveryAttempt() throws Exception {
        PasswordFile.write(home, "river-gauge-7".toCharArray());
        LoginGuard g = new LoginGuard(home, 3);
        assertEquals(LoginGuard.Outcome.WRONG, g.attempt("nope", "127.0.0.1").outcome());
        LoginGuard.Result ok = g.attempt("river-gauge-7", "127.0.0.1");
        assertEquals(LoginGuard.Outcome.OK, ok.outcome());
        assertEquals(LoginGuard.ADMIN, ok.user());
        assertEquals(LoginGuard.Outcome.WRONG, g.attempt("nope", "127.0.0.1").outcome());
        // Three attempts a minute: the fourth is refused unchecked, even with the right password.
        assertEquals(LoginGuard.Outcome.RATE_LIMITED, g.attempt("river-gauge-7", "127.0.0.1").outcome());
    }
}
