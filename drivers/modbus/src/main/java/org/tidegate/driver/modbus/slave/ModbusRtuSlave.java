package org.tidegate.driver.modbus.slave;

import java.io.IOException;
import org.tidegate.driver.modbus.codec.RtuFrame;
import org.tidegate.driver.modbus.codec.RtuFrameDecoder;
import org.tidegate.driver.serial.SerialLine;
import org.tidegate.driver.serial.SerialPorts;
import org.tidegate.driver.serial.SerialSettings;
import org.tinylog.Logger;

/**
 * A Modbus RTU slave on a serial line answering for several units, like several devices on one RS-485 bus.
 * Frames are delimited by their function code's length; a partial frame followed by silence longer than
 * t3.5 (at least 20 ms here, because ptys and USB adapters deliver bytes in bursts) is discarded, as are frames
 * with a bad CRC and requests for units it does not have (no answer, as on a real bus).
 */
public final class ModbusRtuSlave implements AutoCloseable {
    private final SlaveUnits units;
    private final SerialLine line;
    private final Thread thread;
    private volatile boolean running = true;

    private ModbusRtuSlave(SlaveUnits units, SerialLine line) {
        this.units = units;
        this.line = line;
        this.thread = new Thread(this::loop, "modbus-rtu-slave-" + line.settings().port());
        this.thread.setDaemon(true);
    }

    public static ModbusRtuSlave start(SlaveUnits units, SerialSettings settings) throws IOException {
        ModbusRtuSlave s = new ModbusRtuSlave(units, SerialPorts.open(settings));
        s.thread.start();
        Logger.info("modbus rtu slave on {}", settings);
        return s;
    }

    private void loop() {
        RtuFrameDecoder d = new RtuFrameDecoder(RtuFrameDecoder.Role.REQUEST);
        byte[] buf = new byte[300];
        long silenceMillis = Math.max(20, RtuFrame.interFrameNanos(line.settings().baud(), line.settings().bitsPerChar()) / 1_000_000L);
        while (running) {
            int n;
            try {
                n = line.read(buf, 0, buf.length, d.received() > 0 ? silenceMillis : 200);
            } catch (IOException e) {
                if (running) {
                    Logger.warn("modbus rtu slave on {} stopped: {}", line.settings().port(), e.getMessage());
                }
                return;
            }
            if (n == 0) {
                if (d.received() > 0) {
                    Logger.debug("modbus rtu slave dropped a partial frame [{}]", d.hex());
                    d.reset();
                }
                continue;
            }
            for (int i = 0; i < n; i++) {
                RtuFrameDecoder.State st = d.feed(buf[i]);
                if (st == RtuFrameDecoder.State.NEED_MORE) {
                    continue;
                }
                if (st == RtuFrameDecoder.State.COMPLETE) {
                    answer(d.unit(), d.pdu());
                } else {
                    Logger.debug("modbus rtu slave dropped a {} frame [{}]", st, d.hex());
                }
                d.reset();
            }
        }
    }

    private void answer(int unit, byte[] pdu) {
        ModbusUnit u = units.unit(unit);
        Fault fault = units.fault(unit);
        if (u == null || unit == 0 || fault == Fault.SILENT) {
            return;
        }
        try {
            long delay = units.delay(unit);
            if (delay > 0) {
                Thread.sleep(delay);
            }
            byte[] frame = RtuFrame.encode(unit, u.handle(pdu));
            if (fault == Fault.BAD_CRC) {
                frame[frame.length - 2] ^= 0x01;
            } else if (fault == Fault.SHORT_FRAME) {
                frame = java.util.Arrays.copyOf(frame, frame.length - 2);
            }
            line.write(frame);
        } catch (IOException e) {
            Logger.warn("modbus rtu slave write failed: {}", e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        running = false;
        try {
            thread.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        line.close();
    }
}
