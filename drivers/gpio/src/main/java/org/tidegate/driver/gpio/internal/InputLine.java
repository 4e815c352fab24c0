package org.tidegate.driver.gpio.internal;

import com.pi4j.context.Context;
import com.pi4j.io.gpio.digital.DigitalInput;
import com.pi4j.io.gpio.digital.DigitalState;
import com.pi4j.io.gpio.digital.DigitalStateChangeListener;
import com.pi4j.io.gpio.digital.PullResistance;
import com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalInput;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.tinylog.Logger;

/**
 * One input line (contact or pulse counter) with its software debounce. Pin events are fed to the debouncer as
 * they arrive, so pulses are counted between polls; a poll only reads the counters.
 */
final class InputLine implements AutoCloseable {

    /** Receives accepted logical edges; called outside the debouncer's lock. */
    interface EdgeSink {
        void edge(boolean active);
    }

    private final Context context;
    private final DigitalInput pin;
    private final GpioChannelSettings settings;
    private final Debouncer debouncer;
    private final LongSupplier nanos;
    private final EdgeSink sink;
    private final DigitalStateChangeListener listener;

    InputLine(GpioBackend backend, String ioId, String name, GpioChannelSettings settings, LongSupplier nanos, EdgeSink sink) {
        this.context = backend.context();
        this.settings = settings;
        this.nanos = nanos;
        this.sink = sink;
        var config = DigitalInput.newConfigBuilder(context)
                .id(ioId)
                .name(name)
                .address(settings.line())
                .pull(switch (settings.pull()) {
                    case UP -> PullResistance.PULL_UP;
                    case DOWN -> PullResistance.PULL_DOWN;
                    case NONE -> PullResistance.OFF;
                })
                // Providers that filter in the kernel or the daemon (gpiod, pigpio) use this; the mock ignores it.
                // Our own debouncer below applies either way.
                .debounce(settings.debounceMs() * 1000L, TimeUnit.MICROSECONDS)
                .provider(backend.inputProvider());
        this.pin = context.create(config);
        if (pin instanceof MockDigitalInput mock && settings.pull() == GpioChannelSettings.Pull.UP) {
            // The mock starts every pin low; a pulled-up open contact idles high, so an active-low contact
            // would otherwise read as "alarm" from the start on a machine without GPIO.
            mock.mockState(DigitalState.HIGH);
        }
        this.debouncer = new Debouncer(TimeUnit.MILLISECONDS.toNanos(settings.debounceMs()), activeLevel(pin.state()));
        this.listener = event -> onRaw(event.state());
        pin.addListener(listener);
    }

    DigitalInput pin() {
        return pin;
    }

    private boolean activeLevel(DigitalState s) {
        boolean high = s == DigitalState.HIGH;
        return settings.activeLow() != high;
    }

    private void onRaw(DigitalState state) {
        if (state == null || state == DigitalState.UNKNOWN) {
            return;
        }
        try {
            int edges = debouncer.observe(activeLevel(state), nanos.getAsLong());
            notify(edges);
        } catch (RuntimeException e) {
            // Never let an exception escape into Pi4J's event dispatch.
            Logger.error(e, "gpio line={} event handling failed", settings.line());
        }
    }

    private void notify(int edges) {
        if (edges == 0 || sink == null) {
            return;
        }
        boolean now = debouncer.active();
        if (edges == 2) {
            sink.edge(!now);
        }
        sink.edge(now);
    }

    /**
     * The debounced level for a poll. The pin is read too, so a level change whose event was lost still shows
     * (through the debouncer, so a bounce caught at poll time is not taken for a change).
     */
    boolean readActive() {
        DigitalState s = pin.state();
        int edges = (s == DigitalState.HIGH || s == DigitalState.LOW)
                ? debouncer.observe(activeLevel(s), nanos.getAsLong())
                : debouncer.settle(nanos.getAsLong());
        notify(edges);
        return debouncer.active();
    }

    /**
     * Pulses (debounced activations) since the line was opened. Counting is event-driven only: sampling the pin
     * level here could count a pulse twice when an event is still being delivered.
     */
    long pulses() {
        debouncer.settle(nanos.getAsLong());
        return debouncer.activations();
    }

    @Override
    public void close() {
        try {
            pin.removeListener(listener);
        } catch (RuntimeException ignored) {
            // closing anyway
        }
        GpioDriver.shutdownIo(context, pin.id());
    }
}
