package org.tidegate.bench.ingest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * CPU time (user + system) of processes from /proc, in seconds: a figure that holds on a machine shared with other
 * work, where wall-clock rates mostly measure the neighbours. Linux only; 0 where /proc cannot be read.
 */
final class CpuTime {
    /** USER_HZ: 100 on every Linux this runs on (sysconf(_SC_CLK_TCK) is not reachable from Java). */
    private static final double TICKS_PER_SECOND = 100.0;

    private CpuTime() {
    }

    /** CPU seconds consumed so far by process {@code pid}. */
    static double of(long pid) {
        long[] f = stat(pid);
        return f == null ? 0 : (f[1] + f[2]) / TICKS_PER_SECOND;
    }

    /** CPU seconds of {@code pid} and its direct children (PostgreSQL's postmaster and its backends). */
    static double withChildren(long pid) {
        if (pid <= 0) {
            return 0;
        }
        double total = of(pid);
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path p : (Iterable<Path>) procs::iterator) {
                String name = p.getFileName().toString();
                if (!name.chars().allMatch(Character::isDigit)) {
                    continue;
                }
                long[] f = stat(Long.parseLong(name));
                if (f != null && f[0] == pid) {
                    total += (f[1] + f[2]) / TICKS_PER_SECOND;
                }
            }
        } catch (IOException e) {
            return total;
        }
        return total;
    }

    /**
     * CPU seconds of {@code pid}'s threads so far, grouped by what they do (from the thread names in
     * /proc/PID/task/TID/comm): ingest verifiers, the writer, Paho's MQTT threads, the JIT compilers, the garbage
     * collector, the rest.
     */
    static Map<String, Double> byThreadGroup(long pid) {
        Map<String, Double> groups = new TreeMap<>();
        try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path t : (Iterable<Path>) tasks::iterator) {
                try {
                    String comm = Files.readString(t.resolve("comm")).trim();
                    String s = Files.readString(t.resolve("stat"));
                    String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
                    double cpu = (Long.parseLong(f[11]) + Long.parseLong(f[12])) / TICKS_PER_SECOND;
                    groups.merge(group(comm), cpu, Double::sum);
                } catch (IOException | RuntimeException gone) {
                    // the thread ended meanwhile
                }
            }
        } catch (IOException e) {
            return groups;
        }
        return groups;
    }

    private static String group(String comm) {
        if (comm.startsWith("ingest-verify")) {
            return "verify";
        } else if (comm.startsWith("ingest-writer")) {
            return "writer";
        } else if (comm.startsWith("MQTT")) {
            return "mqtt";
        } else if (comm.startsWith("C1 Compiler") || comm.startsWith("C2 Compiler")) {
            return "jit";
        } else if (comm.startsWith("GC ") || comm.startsWith("VM Thread")) {
            return "gc";
        }
        return "other";
    }

    /** ppid, utime, stime of {@code pid}, or null. */
    private static long[] stat(long pid) {
        try {
            String s = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // the command name (field 2) is in parentheses and may hold spaces: count fields after the last ')'
            String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
            return new long[] {Long.parseLong(f[1]), Long.parseLong(f[11]), Long.parseLong(f[12])};
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
