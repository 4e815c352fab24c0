package org.tidegate.driver.gpio.internal;

import com.pi4j.context.Context;
import com.pi4j.io.gpio.digital.DigitalOutput;
import com.pi4j.io.gpio.digital.DigitalState;

/** One relay output. Logical true = relay on, whatever level that takes on an active-low driver board. */
final class OutputLine implements AutoCloseable {
    private final Context context;
    private final DigitalOutput pin;
    private final boolean activeLow;

    OutputLine(GpioBackend backend, String ioId, String name, GpioChannelSettings settings) {
        this.context = backend.context();
        this.activeLow = settings.activeLow();
        var config = DigitalOutput.newConfigBuilder(context)
                .id(ioId)
                .name(name)
                .address(settings.line())
                .initial(level(settings.initial()))
                // When Pi4J shuts down (gateway stop) the relay goes off: a siren must not stay on unattended.
                .shutdown(level(false))
                .provider(backend.outputProvider());
        this.pin = context.create(config);
        // Some providers apply "initial" lazily; set it explicitly so a read-back is right from the start.
        pin.state(level(settings.initial()));
    }

    DigitalOutput pin() {
        return pin;
    }

    private DigitalState level(boolean on) {
        return on != activeLow ? DigitalState.HIGH : DigitalState.LOW;
    }

    synchronized void set(boolean on) {
        pin.state(level(on));
    }

    synchronized boolean isOn() {
        return (pin.state() == DigitalState.HIGH) != activeLow;
    }

    @Override
    public void close() {
        GpioDriver.shutdownIo(context, pin.id());
    }
}
