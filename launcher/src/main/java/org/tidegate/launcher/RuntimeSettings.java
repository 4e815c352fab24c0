package org.tidegate.launcher;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;

/** The build-time description of the runtime ({@code runtime.properties}): version, bundles, shared packages. */
record RuntimeSettings(String version, List<String> bundles, String systemPackagesExtra) {

    static RuntimeSettings load() {
        Properties p = new Properties();
        try (InputStream in = RuntimeSettings.class.getResourceAsStream("runtime.properties")) {
            if (in == null) {
                throw new IllegalStateException("runtime.properties missing from the launcher jar");
            }
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> bundles = Arrays.stream(p.getProperty("bundles", "").split(","))
                .map(String::trim).filter(s -> !s.isEmpty()).toList();
        return new RuntimeSettings(p.getProperty("version", "unknown"), bundles,
                p.getProperty("system.packages.extra", "").replaceAll("\\s+", ""));
    }
}
