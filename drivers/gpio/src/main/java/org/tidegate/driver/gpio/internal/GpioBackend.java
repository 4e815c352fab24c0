package org.tidegate.driver.gpio.internal;

import com.pi4j.Pi4J;
import com.pi4j.context.Context;
import com.pi4j.io.IOType;
import com.pi4j.plugin.gpiod.provider.gpio.digital.GpioDDigitalInputProvider;
import com.pi4j.plugin.gpiod.provider.gpio.digital.GpioDDigitalOutputProvider;
import com.pi4j.plugin.mock.platform.MockPlatform;
import com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalInputProvider;
import com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalOutputProvider;
import com.pi4j.provider.Provider;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.tidegate.core.driver.DriverException;
import org.tinylog.Logger;

/**
 * A Pi4J context and the digital input/output providers the driver uses in it.
 *
 * <p>Why contexts are built by hand: Pi4J finds its plugins through {@link java.util.ServiceLoader}, which inside
 * OSGi sees nothing useful (the bundle class loader is not the thread context class loader, and
 * pi4j-plugin-mock is not even a bundle). The mock platform and providers are therefore created directly and
 * added with auto-detection off; their classes are embedded in this bundle. The real-hardware providers (Pi4J's
 * gpiod plugin, with its native libraries) are embedded and created the same way — see docs/gpio.md.
 *
 * @param kind             mock or real
 * @param context          the Pi4J context (owned: shut down by {@link #close})
 * @param inputProvider    id of the digital input provider used
 * @param outputProvider   id of the digital output provider used
 */
record GpioBackend(Kind kind, Context context, String inputProvider, String outputProvider) implements AutoCloseable {

    /** Which provider family a backend uses. */
    enum Kind { MOCK, REAL }

    /** Where Linux exposes GPIO character devices; no such file means no GPIO hardware (as on this build host). */
    static final Path DEV = Path.of("/dev");

    /**
     * Resolves a configured provider name ({@code auto}, {@code mock}, {@code real}) to the backend kind.
     * {@code auto} means real when a GPIO chip is present, otherwise mock (logged, so a misconfigured board
     * that silently runs on the mock is visible in the log).
     */
    static Kind resolve(String provider, Path devDir) throws DriverException {
        String p = provider == null ? "auto" : provider.trim().toLowerCase(Locale.ROOT);
        switch (p) {
            case "mock":
                return Kind.MOCK;
            case "real":
                return Kind.REAL;
            case "auto":
            case "":
                List<Path> chips = gpioChips(devDir);
                if (chips.isEmpty()) {
                    Logger.warn("gpio provider=auto: no GPIO chip under {} — using the MOCK provider (no real pins are read or driven)", devDir);
                    return Kind.MOCK;
                }
                Logger.info("gpio provider=auto: found {} — using the real provider", chips);
                return Kind.REAL;
            default:
                throw new DriverException("unknown GPIO provider \"" + provider + "\": expected auto, mock or real");
        }
    }

    static List<Path> gpioChips(Path devDir) {
        List<Path> out = new ArrayList<>();
        if (!Files.isDirectory(devDir)) {
            return out;
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(devDir, "gpiochip*")) {
            ds.forEach(out::add);
        } catch (IOException e) {
            Logger.debug(e, "cannot list {}", devDir);
        }
        return out;
    }

    static GpioBackend create(Kind kind, Path devDir) throws DriverException {
        return kind == Kind.MOCK ? mock() : real(devDir);
    }

    /** The mock platform and its digital providers, created explicitly (no ServiceLoader). */
    static GpioBackend mock() throws DriverException {
        try {
            Context ctx = Pi4J.newContextBuilder()
                    .noAutoDetect()
                    .disableShutdownHook()
                    .add(new MockPlatform())
                    .add(MockDigitalInputProvider.newInstance(), MockDigitalOutputProvider.newInstance())
                    .build();
            Logger.info("gpio: Pi4J context created with the mock provider");
            return new GpioBackend(Kind.MOCK, ctx, MockDigitalInputProvider.ID, MockDigitalOutputProvider.ID);
        } catch (RuntimeException | LinkageError e) {
            throw new DriverException("cannot create the Pi4J mock context: " + e, e);
        }
    }

    /**
     * Real hardware through Pi4J's gpiod plugin, whose providers are created here like the mock's (no ServiceLoader,
     * which sees nothing inside OSGi); the plugin and its native libraries for aarch64 and armhf are embedded in
     * this bundle. Checked first with {@link GpiodProbe}, so a missing chip, permission or architecture is one clear
     * sentence.
     */
    static GpioBackend real() throws DriverException {
        return real(DEV);
    }

    static GpioBackend real(Path devDir) throws DriverException {
        GpiodProbe.Report probe = GpiodProbe.probe(devDir);
        String problem = probe.problem(devDir);
        if (problem != null) {
            throw new DriverException("real GPIO unavailable: " + problem);
        }
        Context ctx;
        try {
            ctx = Pi4J.newContextBuilder()
                    .noAutoDetect()
                    .disableShutdownHook()
                    .add(GpioDDigitalInputProvider.newInstance(), GpioDDigitalOutputProvider.newInstance())
                    .build();
        } catch (RuntimeException | LinkageError e) {
            throw new DriverException("cannot create the Pi4J gpiod context (chips " + probe.chips() + "): " + e, e);
        }
        Logger.info("gpio: Pi4J context created with the gpiod providers; chips {}", probe.chips());
        return new GpioBackend(Kind.REAL, ctx, GpioDDigitalInputProvider.ID, GpioDDigitalOutputProvider.ID);
    }

    private static String firstReal(Context ctx, IOType type) {
        try {
            Map<String, Provider> all = ctx.providers().all(type);
            return all.keySet().stream().filter(id -> !id.startsWith("mock")).sorted().findFirst().orElse(null);
        } catch (RuntimeException e) {
            return null;
        }
    }

    @Override
    public void close() {
        shutdownQuietly(context);
    }

    private static void shutdownQuietly(Context ctx) {
        try {
            ctx.shutdown();
        } catch (RuntimeException e) {
            Logger.warn(e, "gpio: Pi4J context shutdown failed");
        }
    }
}
