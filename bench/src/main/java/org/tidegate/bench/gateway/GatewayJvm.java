package org.tidegate.bench.gateway;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * How the gateway benchmarks start the gateway: through the distribution's own {@code bin/tidegate run}, so they
 * measure the JVM options a board gets (the script holds them, for {@code run}, in one place), with
 * {@code JAVA_OPTS} = {@code -Xmx} of the run plus any {@code --jvm} options (which come after the script's and
 * win). Outside a distribution (no {@code bin/tidegate} beside {@code lib/}) it falls back to {@code java -cp} with
 * only {@code -Xmx} and the serial collector, and says so.
 */
final class GatewayJvm {
    private GatewayJvm() {
    }

    /** The distribution's bin/tidegate, if this class path comes from one. */
    static Path script() {
        try {
            Path jar = Path.of(org.tidegate.launcher.Main.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            Path script = jar.getParent().resolveSibling("bin").resolve("tidegate");
            return Files.isExecutable(script) ? script : null;
        } catch (URISyntaxException | RuntimeException e) {
            return null;
        }
    }

    /** A process builder for {@code tidegate run ARGS} with this heap and these extra JVM options. */
    static ProcessBuilder run(int heapMb, List<String> extraJvm, List<String> args) {
        Path script = script();
        List<String> jvm = new ArrayList<>(List.of("-Xmx" + heapMb + "m"));
        jvm.addAll(extraJvm.stream().filter(s -> !s.isBlank()).toList());
        ProcessBuilder pb;
        if (script != null) {
            List<String> cmd = new ArrayList<>(List.of(script.toString(), "run"));
            cmd.addAll(args);
            pb = new ProcessBuilder(cmd);
            pb.environment().put("JAVA_OPTS", String.join(" ", jvm));
            pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        } else {
            List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-XX:+UseSerialGC", "-XX:+ExitOnOutOfMemoryError"));
            cmd.addAll(jvm);
            cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "org.tidegate.launcher.Main", "run"));
            cmd.addAll(args);
            pb = new ProcessBuilder(cmd);
        }
        return pb;
    }

    /** One line for the benchmark's header: what started the gateway. */
    static String describe(int heapMb, List<String> extraJvm) {
        Path script = script();
        String opts = String.join(" ", extraJvm).trim();
        return script != null
                ? script + " run with JAVA_OPTS=\"-Xmx" + heapMb + "m" + (opts.isEmpty() ? "" : " " + opts) + "\" (the script's options for run first)"
                : "java -XX:+UseSerialGC -Xmx" + heapMb + "m " + opts + " (no bin/tidegate found: NOT the distribution's options)";
    }
}
