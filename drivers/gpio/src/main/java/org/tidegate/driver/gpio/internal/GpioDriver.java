package org.tidegate.driver.gpio.internal;

import com.pi4j.context.Context;
import com.pi4j.io.gpio.digital.Digital;
import com.pi4j.io.gpio.digital.DigitalState;
import com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalInput;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.LongSupplier;
import java.util.stream.Collectors;
import org.tidegate.core.config.DriverSchema;
import org.tidegate.core.driver.DeviceSession;
import org.tidegate.core.driver.DriverException;
import org.tidegate.core.driver.FieldDriver;
import org.tidegate.core.model.Channel;
import org.tidegate.core.model.Device;
import org.tidegate.driver.gpio.GpioEdge;
import org.tidegate.driver.gpio.GpioEdgeListener;
import org.tidegate.driver.gpio.GpioMock;
import org.tinylog.Logger;

/**
 * The GPIO driver without OSGi: opens a device's lines on a Pi4J context (mock or real, shared by all devices),
 * keeps each BCM line owned by one device, and pushes input edges to {@link GpioEdgeListener}s.
 */
public final class GpioDriver implements FieldDriver, GpioMock, AutoCloseable {
    public static final String PROTOCOL = "gpio";
    private static final GpioSchema SCHEMA = new GpioSchema();

    private final String defaultProvider;
    private final LongSupplier nanoClock;
    private final Path devDir;
    private final List<Registered> listeners = new CopyOnWriteArrayList<>();
    private final Map<GpioBackend.Kind, GpioBackend> backends = new EnumMap<>(GpioBackend.Kind.class);
    /** BCM line to the session holding it, over all backends (one board has one set of pins). */
    private final Map<Integer, GpioSession> owners = new HashMap<>();
    private boolean closed;

    private record Registered(GpioEdgeListener listener, String device) {
    }

    /** Production driver: provider {@code auto}, system monotonic clock. */
    public GpioDriver() {
        this("auto", System::nanoTime, GpioBackend.DEV);
    }

    /**
     * @param defaultProvider provider for devices whose connection names none: auto, mock or real
     * @param nanoClock       monotonic clock for debouncing (tests pass a controlled one)
     * @param devDir          where to look for {@code gpiochip*} devices when the provider is auto
     */
    public GpioDriver(String defaultProvider, LongSupplier nanoClock, Path devDir) {
        this.defaultProvider = defaultProvider == null || defaultProvider.isBlank() ? "auto" : defaultProvider;
        this.nanoClock = Objects.requireNonNull(nanoClock);
        this.devDir = Objects.requireNonNull(devDir);
    }

    @Override
    public String protocol() {
        return PROTOCOL;
    }

    /** The configuration this driver understands. */
    @Override
    public DriverSchema schema() {
        return SCHEMA;
    }

    /** Registers a listener for input edges; {@code device} null means all devices. */
    public void addEdgeListener(GpioEdgeListener listener, String device) {
        listeners.add(new Registered(Objects.requireNonNull(listener), device));
    }

    public void removeEdgeListener(GpioEdgeListener listener) {
        listeners.removeIf(r -> r.listener == listener);
    }

    @Override
    public DeviceSession open(Device device) throws DriverException {
        if (!PROTOCOL.equals(device.protocol())) {
            throw new DriverException("device " + device.id() + " has protocol " + device.protocol() + ", not gpio");
        }
        GpioDeviceSettings deviceSettings;
        Map<String, GpioChannelSettings> configs = new LinkedHashMap<>();
        Map<Integer, List<Channel>> byLine = new TreeMap<>();
        try {
            deviceSettings = device.settings(GpioDeviceSettings.class);
            for (Channel c : device.channels()) {
                GpioChannelSettings cfg = c.settings(GpioChannelSettings.class);
                configs.put(c.id(), cfg);
                byLine.computeIfAbsent(cfg.line(), k -> new ArrayList<>()).add(c);
            }
        } catch (IllegalArgumentException e) {
            throw new DriverException("device " + device.id() + ": " + e.getMessage());
        }
        String provider = deviceSettings.provider() == null ? defaultProvider : deviceSettings.provider();
        GpioBackend.Kind kind = GpioBackend.resolve(provider, devDir);
        synchronized (this) {
            if (closed) {
                throw new DriverException("GPIO driver is stopped");
            }
            for (Integer line : byLine.keySet()) {
                GpioSession owner = owners.get(line);
                if (owner != null) {
                    throw new DriverException("device " + device.id() + ": gpio:" + line + " is already used by device "
                            + owner.device().id());
                }
            }
            GpioBackend backend = backend(kind);
            Map<Integer, InputLine> inputs = new HashMap<>();
            Map<Integer, OutputLine> outputs = new HashMap<>();
            try {
                for (var e : byLine.entrySet()) {
                    int line = e.getKey();
                    GpioChannelSettings settings = configs.get(e.getValue().get(0).id());
                    String ioId = "tidegate-gpio-" + line;
                    String name = device.id() + "/" + e.getValue().stream().map(Channel::id).collect(Collectors.joining(","));
                    if (settings.mode() == GpioMode.OUTPUT) {
                        outputs.put(line, new OutputLine(backend, ioId, name, settings));
                    } else {
                        List<String> edgeChannels = e.getValue().stream()
                                .filter(c -> configs.get(c.id()).mode() == GpioMode.INPUT).map(Channel::id).toList();
                        InputLine.EdgeSink sink = edgeChannels.isEmpty() ? null
                                : active -> fireEdges(device.id(), edgeChannels, line, active);
                        inputs.put(line, new InputLine(backend, ioId, name, settings, nanoClock, sink));
                    }
                }
            } catch (RuntimeException e) {
                inputs.values().forEach(InputLine::close);
                outputs.values().forEach(OutputLine::close);
                throw new DriverException("device " + device.id() + ": cannot open its GPIO lines: " + e, e);
            }
            GpioSession session = new GpioSession(this, device, kind, Map.copyOf(configs), Map.copyOf(inputs),
                    Map.copyOf(outputs));
            byLine.keySet().forEach(line -> owners.put(line, session));
            Logger.info("device={} gpio opened: provider={} lines={}", device.id(),
                    kind.name().toLowerCase(Locale.ROOT), byLine.keySet());
            return session;
        }
    }

    private GpioBackend backend(GpioBackend.Kind kind) throws DriverException {
        GpioBackend b = backends.get(kind);
        if (b == null) {
            b = GpioBackend.create(kind, devDir);
            backends.put(kind, b);
        }
        return b;
    }

    private void fireEdges(String device, List<String> channels, int line, boolean active) {
        long now = System.currentTimeMillis();
        Logger.info("device={} gpio:{} edge -> {} channels={}", device, line, active ? "active" : "inactive", channels);
        for (Registered r : listeners) {
            if (r.device != null && !r.device.equals(device)) {
                continue;
            }
            for (String ch : channels) {
                try {
                    r.listener.edge(new GpioEdge(device, ch, line, active, now));
                } catch (RuntimeException e) {
                    Logger.error(e, "device={} channel={} gpio edge listener {} failed", device, ch,
                            r.listener.getClass().getName());
                }
            }
        }
    }

    synchronized void release(GpioSession session) {
        session.inputs().values().forEach(InputLine::close);
        session.outputs().values().forEach(OutputLine::close);
        owners.values().removeIf(s -> s == session);
        Logger.info("device={} gpio closed", session.device().id());
    }

    @Override
    public void setLevel(int line, boolean high) {
        InputLine in;
        synchronized (this) {
            GpioSession owner = owners.get(line);
            in = owner == null ? null : owner.inputs().get(line);
        }
        if (in == null || !(in.pin() instanceof MockDigitalInput mock)) {
            throw new IllegalStateException("gpio:" + line + " is not an open input on the mock provider");
        }
        // Outside the driver lock: mockState runs the pin listeners (and edge listeners) on this thread.
        mock.mockState(high ? DigitalState.HIGH : DigitalState.LOW);
    }

    @Override
    public boolean level(int line) {
        Digital<?, ?, ?> pin;
        GpioBackend.Kind kind;
        synchronized (this) {
            GpioSession owner = owners.get(line);
            if (owner == null) {
                throw new IllegalStateException("gpio:" + line + " is not open");
            }
            InputLine in = owner.inputs().get(line);
            pin = in != null ? in.pin() : owner.outputs().get(line).pin();
            kind = owner.kind();
        }
        if (kind != GpioBackend.Kind.MOCK) {
            throw new IllegalStateException("gpio:" + line + " is not on the mock provider");
        }
        return pin.state() == DigitalState.HIGH;
    }

    /** The Pi4J context of a backend if created (tests reach mock pins through its registry). */
    synchronized Context context(GpioBackend.Kind kind) {
        GpioBackend b = backends.get(kind);
        return b == null ? null : b.context();
    }

    static void shutdownIo(Context context, String ioId) {
        try {
            if (context.registry().exists(ioId)) {
                context.shutdown(ioId);
            }
        } catch (RuntimeException e) {
            Logger.warn("gpio: releasing {} failed: {}", ioId, e.toString());
        }
    }

    /** Closes every open session's lines (outputs go to their off level) and shuts the Pi4J contexts down. */
    @Override
    public void close() {
        List<GpioSession> open;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            open = owners.values().stream().distinct().toList();
        }
        open.forEach(GpioSession::close);
        synchronized (this) {
            backends.values().forEach(GpioBackend::close);
            backends.clear();
        }
    }
}
