package org.tidegate.driver.dlt645.internal;

import java.io.IOException;
import org.tidegate.driver.serial.SerialBus;

/** A meter on a shared RS-485 line: the {@link SerialBus} every protocol on the port takes turns on. */
final class BusLink implements MeterLink {
    private final SerialBus bus;
    private final Runnable release;

    BusLink(SerialBus bus, Runnable release) {
        this.bus = bus;
        this.release = release;
    }

    @Override
    public <T> T exchange(Exchange<T> exchange) throws IOException {
        return bus.exchange(exchange::run);
    }

    @Override
    public long charTimeNanos() {
        return bus.settings().charTimeNanos();
    }

    @Override
    public long lastExchangeEnd() {
        return bus.lastExchangeEnd();
    }

    @Override
    public String describe() {
        return bus.settings().toString();
    }

    @Override
    public void release() {
        release.run();
    }
}
