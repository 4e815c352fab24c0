package org.tidegate.launcher;

import java.io.PrintStream;
import org.tidegate.core.cli.PicocliCommand;
import picocli.CommandLine.Command;

/** {@code tidegate version}. */
@Command(name = "version", description = "print the version of tidegate, Java and the runtime")
final class VersionCommand implements PicocliCommand {
    @Override
    public int run(PrintStream out, PrintStream err) {
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
