package org.tidegate.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.net.URL;
import java.util.jar.Manifest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.tidegate.log.RecentLog;

/**
 * The system bundle exports the recent-log API at the version its package says (bnd writes it into the module's
 * manifest from package-info): the version in runtime.properties cannot drift from it unnoticed.
 */
class RecentLogExportTest {
    private static final Pattern VERSION = Pattern.compile("org\\.tidegate\\.log;version=\"([0-9.]+)\"");

    @Test
    void runtimeExportsTheRecentLogPackageAtItsOwnVersion() throws Exception {
        URL base = RecentLog.class.getProtectionDomain().getCodeSource().getLocation();
        URL mf = base.toString().endsWith(".jar") ? new URL("jar:" + base + "!/META-INF/MANIFEST.MF")
                : new URL(base, "META-INF/MANIFEST.MF");
        Manifest m;
        try (InputStream in = mf.openStream()) {
            m = new Manifest(in);
        }
        Matcher own = VERSION.matcher(m.getMainAttributes().getValue("Export-Package"));
        assertTrue(own.find(), "tidegate-recent-log exports org.tidegate.log");
        Matcher runtime = VERSION.matcher(RuntimeSettings.load().systemPackagesExtra());
        assertTrue(runtime.find(), "runtime.properties' system.packages.extra names org.tidegate.log");
        assertEquals(own.group(1), runtime.group(1));
    }
}
