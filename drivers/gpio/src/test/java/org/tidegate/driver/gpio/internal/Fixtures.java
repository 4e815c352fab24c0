package org.tidegate.driver.gpio.internal;

import com.pi4j.io.gpio.digital.DigitalState;
import com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalInput;
import com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalOutput;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.tidegate.core.model.Access;
import org.tidegate.core.model.Channel;
import org.tidegate.core.model.DataType;
import org.tidegate.core.model.Device;
import org.tidegate.core.model.Endian;

/** Builders for GPIO test devices and access to the mock pins behind a driver. */
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

    static Channel channel(String id, int line, DataType type, Access access, Object... kv) {
        Map<String, Object> options = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            options.put((String) kv[i], kv[i + 1]);
        }
        return new Channel(id, "gpio:" + line, type, Endian.BIG, Endian.BIG, 0, 1.0, 0.0,
                type == DataType.FLOAT64 ? "mm" : "", access, options);
    }

    static Channel channel(String id, String address, DataType type, Access access, Object... kv) {
        Channel c = channel(id, 0, type, access, kv);
        return new Channel(id, address, type, Endian.BIG, Endian.BIG, 0, 1.0, 0.0, "", access, c.options());
    }

    static Device device(String id, List<Channel> channels) {
        return new Device(id, "test", "gpio", Map.of("transport", "gpio", "provider", "mock"),
                Duration.ofSeconds(1), Duration.ofMillis(200), 0, channels, Map.of());
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
