package org.tidegate.driver.gpio.internal;

import com.pi4j.io.gpio.digital.DigitalState;
import com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalInput;
import com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalOutput;
import com.fasterxml.jackson.core.JsonProcessingException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.tidegate.core.config.ConfigNode;
import org.tidegate.core.config.DeviceSchema;
import org.tidegate.core.model.Access;
import org.tidegate.core.model.DataType;
import org.tidegate.core.model.Device;

/** Builders for GPIO test devices (decoded by {@link GpioSchema}) and access to the mock pins behind a driver. */
final class Fixtures {
    static final long MS = 1_000_000L;

    private Fixtures() {
    }

    /** A monotonic clock the test moves by hand. */
    static final class ManualClock implements LongSupplier {
        private final AtomicLong nanos = new AtomicLong(1_000 * MS);

        @Override
        public long getAsLong() {
            return nanos.get();
        }

        void advanceMs(long ms) {
            nanos.addAndGet(ms * MS);
        }
    }

    static GpioDriver mockDriver(LongSupplier clock) {
        return new GpioDriver("mock", clock, Path.of("/nonexistent-dev"));
    }

    /** A channel as its JSON keys (decoded with its device, so a bad one is refused by the schema). */
    record Ch(Map<String, Object> json) {
    }

    static Ch channel(String id, int line, DataType type, Access access, Object... kv) {
        return channel(id, "gpio:" + line, type, access, kv);
    }

    static Ch channel(String id, String address, DataType type, Access access, Object... kv) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("id", id);
        c.put("address", address);
        c.put("type", type.configName());
        c.put("unit", type == DataType.FLOAT64 ? "mm" : "");
        c.put("access", access == Access.READ_WRITE ? "readwrite" : access.name().toLowerCase(Locale.ROOT));
        for (int i = 0; i < kv.length; i += 2) {
            c.put((String) kv[i], kv[i + 1]);
        }
        return new Ch(c);
    }

    /** A device on the mock provider. */
    static Device device(String id, List<Ch> channels) {
        return device(id, Map.of("transport", "gpio", "provider", "mock"), channels);
    }

    /** A device decoded by the GPIO schema, as the gateway decodes it; IllegalArgumentException if refused. */
    static Device device(String id, Map<String, Object> connection, List<Ch> channels) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("id", id);
        d.put("profile", "test");
        d.put("protocol", "gpio");
        d.put("pollIntervalMs", 1000);
        d.put("timeoutMs", 200);
        d.put("retries", 0);
        d.put("connection", connection);
        d.put("channels", channels.stream().map(Ch::json).toList());
        return decode(d);
    }

    static Device decode(Map<String, Object> document) {
        try {
            return DeviceSchema.decode("test.json", ConfigNode.mapper().writeValueAsString(document), new GpioSchema());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The riverside GPIO device: rain gauge (two reports on one line), smoke contact, siren relay. */
    static Device riverside() {
        return device("gpio-1", List.of(
                channel("rain_total", 17, DataType.FLOAT64, Access.READ, "mode", "counter", "mmPerTip", 0.5,
                        "debounceMs", 20, "pull", "up", "activeLow", true, "report", "cumulative"),
                channel("rain_interval", 17, DataType.FLOAT64, Access.READ, "mode", "counter", "mmPerTip", 0.5,
                        "debounceMs", 20, "pull", "up", "activeLow", true, "report", "interval"),
                channel("smoke", 27, DataType.BOOL, Access.READ, "mode", "input", "activeLow", true,
                        "pull", "up", "debounceMs", 20),
                channel("siren", 22, DataType.BOOL, Access.READ_WRITE, "mode", "output", "initial", false)));
    }

    static MockDigitalInput input(GpioDriver driver, int line) {
        return driver.context(GpioBackend.Kind.MOCK).registry().get("tidegate-gpio-" + line);
    }

    static MockDigitalOutput output(GpioDriver driver, int line) {
        return driver.context(GpioBackend.Kind.MOCK).registry().get("tidegate-gpio-" + line);
    }

    /** Closes an active-low contact (pin to LOW) with a few bounces, each 1-2 ms apart. */
    static void bouncyClose(MockDigitalInput pin, ManualClock clock, int bounces) {
        pin.mockState(DigitalState.LOW);
        for (int i = 0; i < bounces; i++) {
            clock.advanceMs(1);
            pin.mockState(DigitalState.HIGH);
            clock.advanceMs(1);
            pin.mockState(DigitalState.LOW);
        }
    }

    static void bouncyOpen(MockDigitalInput pin, ManualClock clock, int bounces) {
        pin.mockState(DigitalState.HIGH);
        for (int i = 0; i < bounces; i++) {
            clock.advanceMs(1);
            pin.mockState(DigitalState.LOW);
            clock.advanceMs(1);
            pin.mockState(DigitalState.HIGH);
        }
    }
}
