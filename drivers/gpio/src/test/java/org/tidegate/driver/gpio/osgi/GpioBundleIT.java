package org.tidegate.driver.gpio.osgi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.launch.Framework;
import org.osgi.framework.launch.FrameworkFactory;
import org.osgi.util.tracker.ServiceTracker;

/**
 * Runs the packaged bundle (target/*.jar, after {@code package}) in an embedded Felix with Declarative Services:
 * proves that its imports resolve against pi4j-core and the runtime bundles listed here, that the driver service
 * appears, and that the embedded mock provider works inside OSGi (no ServiceLoader involved).
 */
class GpioBundleIT {

    /** What the runtime needs besides the framework, in install order (regex on the jar file name). */
    private static final List<String> RUNTIME = List.of(
            "org\\.osgi\\.util\\.function-.*", "org\\.osgi\\.util\\.promise-.*", "org\\.osgi\\.service\\.component-\\d.*", "org\\.apache\\.felix\\.scr-.*",
            "asm-\\d.*", "asm-tree-.*", "asm-analysis-.*", "asm-commons-.*", "asm-util-.*",
            "org\\.apache\\.aries\\.spifly\\.dynamic\\.bundle-.*",
            "slf4j-api-.*", "slf4j-simple-.*",
            "tinylog-api-.*", "tinylog-impl-.*",
            "jackson-annotations-.*", "jackson-core-.*", "jackson-databind-.*",
            "tidegate-gateway-core-.*", "pi4j-core-.*");

    private static Path jarOnClassPath(String regex) {
        Pattern p = Pattern.compile(regex + "\\.jar");
        for (String e : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path path = Path.of(e);
            if (p.matcher(path.getFileName().toString()).matches()) {
                return path;
            }
        }
        throw new AssertionError("no jar matching " + regex + " on the test class path");
    }

    @Test
    void bundleResolvesAndTheDriverReadsMockPinsInsideOsgi(@TempDir Path storage) throws Exception {
        Path gpioBundle = Path.of(System.getProperty("gpio.bundle", "target/tidegate-driver-gpio-0.1.0-SNAPSHOT.jar"));
        assertTrue(Files.isRegularFile(gpioBundle), "packaged bundle missing: " + gpioBundle);

        Map<String, String> config = new HashMap<>();
        config.put(Constants.FRAMEWORK_STORAGE, storage.toString());
        config.put(Constants.FRAMEWORK_STORAGE_CLEAN, Constants.FRAMEWORK_STORAGE_CLEAN_ONFIRSTINIT);
        // Felix's implicit boot delegation lets JDK code (ServiceLoader) load classes through the application class
        // loader, which in a test holds second copies of slf4j & co ("SimpleServiceProvider not a subtype").
        config.put("felix.bootdelegation.implicit", "false");
        FrameworkFactory factory = java.util.ServiceLoader.load(FrameworkFactory.class).findFirst().orElseThrow();
        Framework fw = factory.newFramework(config);
        // The test class path holds the same jars as the bundles; libraries that look up providers through the
        // context class loader (slf4j, tinylog) would find those copies and reject them as foreign classes. A
        // launcher must likewise keep bundle jars off its own class path.
        Thread thread = Thread.currentThread();
        ClassLoader previousTccl = thread.getContextClassLoader();
        thread.setContextClassLoader(ClassLoader.getPlatformClassLoader());
        fw.init();
        try {
            BundleContext ctx = fw.getBundleContext();
            List<Bundle> bundles = new ArrayList<>();
            for (String r : RUNTIME) {
                bundles.add(ctx.installBundle(jarOnClassPath(r).toUri().toString()));
            }
            Bundle gpio = ctx.installBundle(gpioBundle.toUri().toString());
            bundles.add(gpio);
            fw.start();
            for (Bundle b : bundles) {
                if (b.getHeaders().get(Constants.FRAGMENT_HOST) == null) {
                    b.start(); // throws BundleException naming any unresolved requirement
                }
            }
            assertEquals(Bundle.ACTIVE, gpio.getState());

            ServiceTracker<Object, Object> tracker = new ServiceTracker<>(ctx,
                    ctx.createFilter("(&(objectClass=org.tidegate.core.driver.FieldDriver)(tidegate.protocol=gpio))"), null);
            tracker.open(true); // all services: the system bundle sees other copies of the tidegate classes
            Object driver = tracker.waitForService(30_000);
            assertNotNull(driver, "GPIO FieldDriver service not registered by SCR");
            assertEquals("gpio", driver.getClass().getMethod("protocol").invoke(driver));

            // Decode and open a device through the bundles' own classes (reflection: they live in the framework's
            // loaders): the core's DeviceSchema with the schema the GPIO driver service returns.
            Bundle core = find(ctx, "tidegate-gateway-core");
            Class<?> deviceSchema = core.loadClass("org.tidegate.core.config.DeviceSchema");
            Class<?> driverSchema = core.loadClass("org.tidegate.core.config.DriverSchema");
            Class<?> deviceClass = core.loadClass("org.tidegate.core.model.Device");
            Object schema = driver.getClass().getMethod("schema").invoke(driver);
            assertEquals("gpio", driverSchema.getMethod("protocol").invoke(schema));
            Object device = deviceSchema.getMethod("decode", String.class, String.class, driverSchema).invoke(null,
                    "devices/gpio-1.json", """
                    {"id":"gpio-1","protocol":"gpio","connection":{"transport":"gpio","provider":"mock"},
                     "channels":[
                       {"id":"smoke","address":"gpio:27","type":"bool","access":"read",
                        "mode":"input","activeLow":true,"pull":"up"},
                       {"id":"siren","address":"gpio:22","type":"bool","access":"readwrite",
                        "mode":"output"}]}""", schema);
            Class<?> sessionApi = core.loadClass("org.tidegate.core.driver.DeviceSession");
            Class<?> channelClass = core.loadClass("org.tidegate.core.model.Channel");
            Class<?> readingClass = core.loadClass("org.tidegate.core.driver.ChannelReading");
            Method status = readingClass.getMethod("status");
            Method raw = readingClass.getMethod("raw");
            Method open = core.loadClass("org.tidegate.core.driver.FieldDriver").getMethod("open", deviceClass);
            Object session = open.invoke(driver, device);
            try {
                List<?> channels = (List<?>) deviceClass.getMethod("channels").invoke(device);
                Method read = sessionApi.getMethod("read", List.class);
                List<?> readings = (List<?>) read.invoke(session, channels);
                Object smoke = readings.get(0);
                assertEquals("OK", status.invoke(smoke).toString(), smoke.toString());
                assertEquals(Boolean.FALSE, raw.invoke(smoke), "pulled-up active-low contact idles inactive");
                Method write = sessionApi.getMethod("write", channelClass, Object.class);
                Object written = write.invoke(session, channels.get(1), Boolean.TRUE);
                assertEquals("OK", status.invoke(written).toString(), written.toString());
                Object siren = ((List<?>) read.invoke(session, channels)).get(1);
                assertEquals(Boolean.TRUE, raw.invoke(siren));

                // Whiteboard: a GpioEdgeListener service registered with a device filter gets the smoke edge at once.
                Class<?> listenerApi = gpio.loadClass("org.tidegate.driver.gpio.GpioEdgeListener");
                List<String> edges = new java.util.concurrent.CopyOnWriteArrayList<>();
                Object listener = java.lang.reflect.Proxy.newProxyInstance(listenerApi.getClassLoader(),
                        new Class<?>[] {listenerApi}, (proxy, m, a) -> {
                            if (m.getName().equals("edge")) {
                                edges.add(a[0].toString());
                                return null;
                            }
                            return m.getName().equals("hashCode") ? System.identityHashCode(proxy)
                                    : m.getName().equals("equals") ? proxy == a[0] : "listener";
                        });
                java.util.Hashtable<String, Object> props = new java.util.Hashtable<>();
                props.put("tidegate.device.id", "gpio-1");
                var registration = ctx.registerService(listenerApi.getName(), listener, props);
                mockInput(driver, gpio, 27, "LOW"); // contact closes
                registration.unregister();
                mockInput(driver, gpio, 27, "HIGH"); // after unregistering: not delivered
                assertEquals(1, edges.size(), edges::toString);
                assertTrue(edges.get(0).contains("channel=smoke") && edges.get(0).contains("active=true"), edges::toString);
                // The contact opened within the 20 ms debounce window (real clock here): the level settles to
                // "no smoke" once the window is over.
                Object smokeNow = null;
                long until = System.nanoTime() + 5_000_000_000L;
                while (System.nanoTime() < until) {
                    smokeNow = raw.invoke(((List<?>) read.invoke(session, channels)).get(0));
                    if (Boolean.FALSE.equals(smokeNow)) {
                        break;
                    }
                    Thread.sleep(5);
                }
                assertEquals(Boolean.FALSE, smokeNow);
                assertEquals(1, edges.size(), () -> "the opening edge came after unregistering: " + edges);
            } finally {
                sessionApi.getMethod("close").invoke(session);
            }
            tracker.close();
        } finally {
            fw.stop();
            fw.waitForStop(30_000);
            thread.setContextClassLoader(previousTccl);
        }
    }

    /** Sets a mock pin inside the framework: component -> GpioDriver -> Pi4J context -> MockDigitalInput. */
    private static void mockInput(Object component, Bundle gpio, int line, String level) throws Exception {
        java.lang.reflect.Field f = component.getClass().getDeclaredField("driver");
        f.setAccessible(true);
        Object gpioDriver = f.get(component);
        Class<?> kind = gpio.loadClass("org.tidegate.driver.gpio.internal.GpioBackend$Kind");
        Method context = gpioDriver.getClass().getDeclaredMethod("context", kind);
        context.setAccessible(true);
        Object mock = java.util.Arrays.stream(kind.getEnumConstants()).filter(k -> k.toString().equals("MOCK"))
                .findFirst().orElseThrow();
        Object pi4j = context.invoke(gpioDriver, mock);
        Object registry = gpio.loadClass("com.pi4j.context.Context").getMethod("registry").invoke(pi4j);
        Object pin = gpio.loadClass("com.pi4j.registry.Registry").getMethod("get", String.class)
                .invoke(registry, "tidegate-gpio-" + line);
        Class<?> state = gpio.loadClass("com.pi4j.io.gpio.digital.DigitalState");
        Method mockState = pin.getClass().getMethod("mockState", state);
        mockState.invoke(pin, state.getField(level).get(null));
    }

    private static Bundle find(BundleContext ctx, String symbolicName) {
        for (Bundle b : ctx.getBundles()) {
            if (symbolicName.equals(b.getSymbolicName())) {
                return b;
            }
        }
        throw new AssertionError("bundle " + symbolicName + " not installed");
    }

    @SuppressWarnings("unused")
    private static Collection<String> names(BundleContext ctx) {
        List<String> out = new ArrayList<>();
        for (Bundle b : ctx.getBundles()) {
            out.add(b.getSymbolicName() + "=" + b.getState());
        }
        return out;
    }
}
