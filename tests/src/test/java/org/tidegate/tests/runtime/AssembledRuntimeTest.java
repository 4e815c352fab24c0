package org.tidegate.tests.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.launch.Framework;
import org.tidegate.launcher.GatewayRuntime;

/**
 * Boots the real assembled runtime (the same bundle set and framework settings as {@code tidegate run}),
 * plus the test probe bundle, and checks the wiring from home directory to ConfigAdmin to device
 * components to driver to sample sinks.
 */
@Timeout(120)
class AssembledRuntimeTest {
    @TempDir
    Path home;
    private GatewayRuntime runtime;

    @AfterEach
    void stop() {
        if (runtime != null) {
            runtime.close();
        }
    }

    @Test
    void everyBundleActiveAndConfigurationDrivesDevices() throws Exception {
        Files.createDirectories(home.resolve("devices"));
        Files.createDirectories(home.resolve("profiles"));
        Files.writeString(home.resolve("gateway.json"), """
                { "id": "gw-it-1", "broker": { "url": "tcp://127.0.0.1:1" } }""");
        writeDevice("d1", 100);

        Path probe = GatewayRuntime.bundlesOnClassPath().get("tidegate-test-probe");
        assertNotNull(probe, "probe bundle not on the test class path");
        runtime = new GatewayRuntime(home, Map.of("tidegate.config.scanSeconds", "1"), List.of(probe));
        Framework fw = runtime.start();
        BundleContext ctx = fw.getBundleContext();

        List<String> notActive = new ArrayList<>();
        for (Bundle b : ctx.getBundles()) {
            boolean fragment = b.getHeaders().get(Constants.FRAGMENT_HOST) != null;
            if (b.getState() != (fragment ? Bundle.RESOLVED : Bundle.ACTIVE)) {
                notActive.add(b.getSymbolicName() + " state " + b.getState());
            }
        }
        assertTrue(notActive.isEmpty(), () -> "bundles not active: " + notActive);
        assertTrue(ctx.getBundles().length >= 20, "expected the whole runtime, got " + ctx.getBundles().length + " bundles");

        // 1. A device file in the home directory -> ConfigAdmin -> device component -> polls.
        waitFor(Duration.ofSeconds(30), () -> batches("d1") >= 3, "d1 polled from its device file");
        double v1 = ((Number) probe(ctx).get().get("d1.level")).doubleValue();
        waitFor(Duration.ofSeconds(10), () -> ((Number) probe(ctx).get().get("d1.level")).doubleValue() > v1,
                "d1 values change between polls");

        // 2. A device configuration put straight into ConfigAdmin activates a device component too.
        String pid = configurer(ctx).apply(Map.of(
                "factoryPid", "org.tidegate.device", "name", "d2",
                "device.id", "d2",
                "driver.target", "(tidegate.protocol=memory)",
                "device.json", """
                        {"id":"d2","protocol":"memory","pollIntervalMs":100,"timeoutMs":50,"retries":0,
                         "channels":[{"id":"level","address":"m:0","type":"float64","scale":2.0,"unit":"m"}]}"""));
        assertTrue(pid.startsWith("org.tidegate.device~d2"), pid);
        waitFor(Duration.ofSeconds(30), () -> batches("d2") >= 3, "d2 polled from a ConfigAdmin configuration");
        double raw = batches("d2"); // the probe returns the read count as the raw value; scale 2.0 applies
        double scaled = ((Number) probe(ctx).get().get("d2.level")).doubleValue();
        assertEquals(0.0, scaled % 2.0, "scale 2.0 applied to an integral raw value: " + scaled + " (raw ~" + raw + ")");

        // 3. A broken file is refused and the running configuration stays in force.
        Files.writeString(home.resolve("devices/d1.json"), """
                { "id": "d1", "protocol": "memory", "pollIntervalMs": "fast", "channels": [] }""");
        long before = batches("d1");
        Thread.sleep(3000); // > 2 scan periods
        long after = batches("d1");
        assertTrue(after > before + 5, "d1 must keep polling with its old configuration: " + before + " -> " + after);

        // 4. A fixed file is applied: d3 added.
        writeDevice("d1", 100);
        writeDevice("d3", 100);
        waitFor(Duration.ofSeconds(30), () -> batches("d3") >= 3, "d3 added by a new device file");

        // 5. Clean stop: every device component deactivates and closes its driver session.
        assertTrue(((Number) probe(ctx).get().get("sessions")).longValue() >= 3);
        Supplier<Map<String, Object>> sink = probe(ctx);
        runtime.close();
        runtime = null;
        assertEquals(0L, ((Number) sink.get().get("sessions")).longValue(), "driver sessions left open after stop");
    }

    private long batches(String device) {
        Object n = probe(runtime.framework().getBundleContext()).get().get(device);
        return n == null ? 0 : ((Number) n).longValue();
    }

    @SuppressWarnings("unchecked")
    private static Supplier<Map<String, Object>> probe(BundleContext ctx) {
        try {
            // getAll...: the system bundle is not wired to the probe's packages; java.* types are shared anyway.
            ServiceReference<?>[] refs = ctx.getAllServiceReferences(Supplier.class.getName(), "(tidegate.probe=samples)");
            assertNotNull(refs, "probe sink service missing");
            return (Supplier<Map<String, Object>>) ctx.getService(refs[0]);
        } catch (org.osgi.framework.InvalidSyntaxException e) {
            throw new AssertionError(e);
        }
    }

    @SuppressWarnings("unchecked")
    private static Function<Map<String, Object>, String> configurer(BundleContext ctx) throws Exception {
        ServiceReference<?>[] refs = ctx.getAllServiceReferences(Function.class.getName(), "(tidegate.probe=config)");
        assertNotNull(refs, "probe configurer service missing");
        return (Function<Map<String, Object>, String>) ctx.getService(refs[0]);
    }

    private void writeDevice(String id, int intervalMs) throws IOException {
        Files.writeString(home.resolve("devices/" + id + ".json"), """
                { "id": "%s", "protocol": "memory", "pollIntervalMs": %d, "timeoutMs": 50, "retries": 0,
                  "channels": [ { "id": "level", "address": "m:0", "type": "float64", "unit": "m" } ] }"""
                .formatted(id, intervalMs));
    }

    private static void waitFor(Duration max, BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("timed out waiting for: " + what);
    }
}
