package org.tidegate.driver.sl651.internal;

import java.io.IOException;
import org.tidegate.driver.serial.SerialBus;
import org.tidegate.driver.serial.SerialBuses;
import org.tidegate.driver.serial.SerialLine;
import org.tidegate.driver.sl651.codec.Sl651Decoder;
import org.tinylog.Logger;

/**
 * Receives on a serial port (a radio modem or RS-232 line to the stations): one thread reads in short exchanges
 * of the port's {@link SerialBus} (which reopens a failed port with back-off) and writes acknowledgements in the
 * same exchange. A partial frame followed by {@value #SILENCE_MS} ms of silence is refused as truncated, so the
 * next frame starts clean.
 */
final class SerialReceiver extends Receiver {
    static final long SILENCE_MS = 500;
    private static final long READ_MS = 100;
    /** An acknowledgement is a few dozen bytes: a line that cannot take them in this long is stuck. */
    static final long ACK_WRITE_MS = 1000;

    private final SerialBuses buses;
    private final SerialBus bus;
    private final Thread thread;
    private final byte[] buf = new byte[512];
    private volatile boolean running = true;
    private Sl651Decoder decoder = newDecoder();
    private long lastByteNanos = System.nanoTime();

    SerialReceiver(SerialBuses buses, SerialBus bus, org.tidegate.driver.sl651.codec.Encoding encoding) {
        super("serial " + bus.settings(), encoding);
        this.buses = buses;
        this.bus = bus;
        this.thread = new Thread(this::loop, "sl651-serial-" + bus.settings().port());
        this.thread.setDaemon(true);
    }

    @Override
    void start() {
        thread.start();
    }

    private void loop() {
        String port = bus.settings().port();
        while (running) {
            try {
                bus.exchange(this::readOnce);
                problem("");
            } catch (SerialBus.UnavailableException e) {
                problem(e.getMessage());
                pause(200);
            } catch (IOException e) {
                problem("serial port " + port + ": " + e.getMessage());
                decoder = newDecoder();
                pause(100);
            } catch (RuntimeException e) {
                Logger.error(e, "sl651 serial {}: receiver failed, restarting its decoder", port);
                decoder = newDecoder();
                pause(100);
            }
        }
    }

    private Void readOnce(SerialLine line) throws IOException {
        int n = line.read(buf, 0, buf.length, READ_MS);
        long now = System.nanoTime();
        if (n > 0) {
            lastByteNanos = now;
            for (Sl651Decoder.Event e : decoder.feed(buf, 0, n)) {
                answer(line, handle(e, line.settings().port()));
            }
        } else if (decoder.buffered() > 0 && now - lastByteNanos > SILENCE_MS * 1_000_000L) {
            for (Sl651Decoder.Event e : decoder.flush()) {
                answer(line, handle(e, line.settings().port()));
            }
        }
        return null;
    }

    private void answer(SerialLine line, Answer ack) throws IOException {
        if (ack != null) {
            try {
                line.write(ack.bytes(), 0, ack.bytes().length, ACK_WRITE_MS);
            } catch (IOException e) {
                answerFailed(ack, line.settings().port(), e);
                throw e;
            }
        }
    }

    private static void pause(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        running = false;
        try {
            thread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        buses.release(bus);
    }
}
