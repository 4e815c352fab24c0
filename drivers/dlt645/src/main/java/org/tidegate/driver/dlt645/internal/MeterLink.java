package org.tidegate.driver.dlt645.internal;

import java.io.IOException;
import org.tidegate.driver.serial.ByteLine;

/**
 * The way to the meters: a shared serial bus ({@link BusLink}) or a TCP connection to a serial server or a meter's
 * network module ({@link TcpLink}). Each {@link #exchange} has the link to itself.
 */
interface MeterLink {

    /** Work done with the link held; an {@link IOException} closes the link. */
    @FunctionalInterface
    interface Exchange<T> {
        T run(ByteLine line) throws IOException;
    }

    <T> T exchange(Exchange<T> exchange) throws IOException;

    /** One character's time on the wire (the serial line's; a nominal 9600 8E1 for TCP). */
    long charTimeNanos();

    /** When the link's previous exchange ended ({@link System#nanoTime()}). */
    long lastExchangeEnd();

    /** For log lines, e.g. {@code /dev/ttyUSB1 2400 8E1}. */
    String describe();

    /** Gives back this session's use of the link. */
    void release();
}
