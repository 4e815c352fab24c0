package org.tidegate.launcher;

import java.io.PrintStream;
import java.util.List;
import org.tidegate.core.cli.Subcommand;

/** {@code tidegate version}. */
final class VersionCommand implements Subcommand {
    @Override
    public String name() {
        return "version";
    }

    @Override
    public String summary() {
        return "print the version of tidegate, Java and the runtime";
    }

    @Override
    public String usage() {
        return "tidegate version";
    }

    @Override
    public int run(List<String> args, PrintStream out, PrintStream err) {
        out.println("tidegate " + RuntimeSettings.load().version());
        out.println("java " + System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + ", "
                + System.getProperty("os.arch") + ")");
        out.println("runtime: Apache Felix " + felixVersion() + ", " + RuntimeSettings.load().bundles().size() + " bundles");
        return 0;
    }

    private static String felixVersion() {
        try (java.util.jar.JarFile jar = new java.util.jar.JarFile(new java.io.File(
                org.apache.felix.framework.Felix.class.getProtectionDomain().getCodeSource().getLocation().toURI()))) {
            return jar.getManifest().getMainAttributes().getValue("Bundle-Version");
        } catch (java.io.IOException | java.net.URISyntaxException | RuntimeException e) {
            return "(unknown version)";
        }
    }
}
