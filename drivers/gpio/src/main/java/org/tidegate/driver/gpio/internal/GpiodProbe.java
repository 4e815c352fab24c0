package org.tidegate.driver.gpio.internal;

import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What real GPIO through Pi4J's gpiod plugin finds on this machine: whether the plugin's native libraries
 * (libgpiod and Pi4J's JNI glue, embedded in this bundle for aarch64 and armhf) load, and which GPIO chips
 * ({@code /dev/gpiochip*}) this process can open. The driver checks it before it creates a real Pi4J context, so a
 * board without a chip, without permission or of an unsupported architecture gets one clear sentence instead of
 * a Pi4J stack trace; {@code tidegate gpio} prints it for a technician.
 */
final class GpiodProbe {
    /** Architectures Pi4J 2.7's gpiod library ships natives for (its jar's lib/ folders). */
    static final List<String> ARCHITECTURES = List.of("aarch64", "armhf");

    /** One GPIO chip: its device, and name/label/lines when it could be opened ({@code problem} says why not). */
    record Chip(Path device, String name, String label, int lines, String problem) {
        boolean opened() {
            return problem == null;
        }
    }

    /**
     * @param architecture  the Pi4J architecture name of this JVM ({@code aarch64}, {@code armhf}, or os.arch)
     * @param nativeProblem null when the native libraries loaded, else why not
     * @param chips         every {@code gpiochip*} under the device directory
     */
    record Report(String architecture, String nativeProblem, List<Chip> chips) {
        boolean usable() {
            return nativeProblem == null && chips.stream().anyMatch(Chip::opened);
        }

        /** Null when usable, else the one sentence that says what is missing and what to do. */
        String problem(Path devDir) {
            if (chips.isEmpty()) {
                return "no GPIO chip under " + devDir + " (no /dev/gpiochip*): this machine has no GPIO hardware or its"
                        + " kernel lacks the GPIO character device; on a bench without pins use \"provider\": \"mock\"";
            }
            if (nativeProblem != null) {
                return nativeProblem;
            }
            if (chips.stream().noneMatch(Chip::opened)) {
                return chips.get(0).problem();
            }
            return null;
        }
    }

    private GpiodProbe() {
    }

    static String architecture() {
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        return switch (arch) {
            case "aarch64", "arm64" -> "aarch64";
            case "arm", "armv7l", "armhf" -> "armhf";
            default -> arch;
        };
    }

    static Report probe(Path devDir) {
        String arch = architecture();
        String nativeProblem = loadNatives(arch);
        List<Chip> chips = new ArrayList<>();
        for (Path dev : GpioBackend.gpioChips(devDir)) {
            chips.add(open(dev, nativeProblem));
        }
        chips.sort(java.util.Comparator.comparing(c -> c.device().toString()));
        return new Report(arch, nativeProblem, List.copyOf(chips));
    }

    /** Loads libgpiod and Pi4J's JNI library (GpioD's static initialiser does); null on success. */
    static String loadNatives(String arch) {
        if (!ARCHITECTURES.contains(arch)) {
            return "Pi4J's gpiod plugin has native libraries for " + ARCHITECTURES + " only, and this JVM is " + arch
                    + " (real GPIO needs a Raspberry Pi OS / Debian arm64 or armhf board)";
        }
        if (GpiodProbe.class.getResource("/lib/" + arch + "/pi4j-gpiod/libpi4j-gpiod.so") == null) {
            return "the gpiod native library for " + arch + " is missing from the GPIO driver (a broken build)";
        }
        try {
            usePrivateCopyOfNatives(arch);
            Class.forName("com.pi4j.library.gpiod.internal.GpioD", true, GpiodProbe.class.getClassLoader());
            return null;
        } catch (ClassNotFoundException | LinkageError | java.io.IOException e) {
            Throwable cause = e instanceof ExceptionInInitializerError && e.getCause() != null ? e.getCause() : e;
            return "cannot load the gpiod native libraries for " + arch + ": " + cause;
        }
    }

    /**
     * Pi4J's loader extracts and loads its natives only where its board detection recognises a Raspberry Pi (and then
     * into a world-writable temporary file); given {@code pi4j.library.path} it loads them from that directory on any
     * board. So they are copied once into a directory of this user's (under java.io.tmpdir: PrivateTmp under systemd)
     * and the property is set unless someone set it already.
     */
    private static synchronized void usePrivateCopyOfNatives(String arch) throws java.io.IOException {
        if (System.getProperty("pi4j.library.path") != null) {
            return;
        }
        Path dir = Path.of(System.getProperty("java.io.tmpdir"), "tidegate-gpiod-" + System.getProperty("user.name"), arch);
        Files.createDirectories(dir);
        try {
            Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
        } catch (UnsupportedOperationException e) {
            // not POSIX
        }
        for (String lib : List.of("libgpiod.so", "libpi4j-gpiod.so")) {
            try (java.io.InputStream in = GpiodProbe.class.getResourceAsStream("/lib/" + arch + "/pi4j-gpiod/" + lib)) {
                if (in == null) {
                    throw new java.io.FileNotFoundException("/lib/" + arch + "/pi4j-gpiod/" + lib + " in the GPIO driver");
                }
                Files.copy(in, dir.resolve(lib), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        }
        System.setProperty("pi4j.library.path", dir.toString());
    }

    private static Chip open(Path dev, String nativeProblem) {
        if (!Files.isReadable(dev) || !Files.isWritable(dev)) {
            return new Chip(dev, null, null, 0, "cannot open " + dev + ": permission denied for user "
                    + System.getProperty("user.name") + " (add it to the group that owns the chip, usually gpio:"
                    + " sudo adduser " + System.getProperty("user.name") + " gpio; the package's tidegate user is in it)");
        }
        if (nativeProblem != null) {
            return new Chip(dev, null, null, 0, nativeProblem);
        }
        try {
            // GpioD.chipOpen is package-private in Pi4J 2.7 (its context opens only a chip labelled "pinctrl"): these
            // reflective calls name every chip for the technician.
            Class<?> gpiod = Class.forName("com.pi4j.library.gpiod.internal.GpioD", true, GpiodProbe.class.getClassLoader());
            Method chipOpen = gpiod.getDeclaredMethod("chipOpen", String.class);
            chipOpen.setAccessible(true);
            Object chip = chipOpen.invoke(null, dev.toString());
            Class<?> c = chip.getClass();
            String name = (String) c.getMethod("getName").invoke(chip);
            String label = (String) c.getMethod("getLabel").invoke(chip);
            int lines = (Integer) c.getMethod("getNumLines").invoke(chip);
            Method pointer = c.getSuperclass().getDeclaredMethod("getCPointer");
            pointer.setAccessible(true);
            Method chipClose = gpiod.getDeclaredMethod("chipClose", long.class);
            chipClose.setAccessible(true);
            chipClose.invoke(null, pointer.invoke(chip));
            return new Chip(dev, name, label, lines, null);
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            Throwable cause = e instanceof java.lang.reflect.InvocationTargetException && e.getCause() != null ? e.getCause() : e;
            return new Chip(dev, null, null, 0, "cannot open " + dev + " through libgpiod: " + cause);
        }
    }
}
