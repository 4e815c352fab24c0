package org.tidegate.driver.dlt645;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.tidegate.core.config.DeviceSchema;
import org.tidegate.core.driver.ChannelReading;
import org.tidegate.core.driver.DeviceSession;
import org.tidegate.core.model.Device;
import org.tidegate.driver.dlt645.codec.BcdFormat;
import org.tidegate.driver.dlt645.codec.Control;
import org.tidegate.driver.dlt645.codec.Dlt645;
import org.tidegate.driver.dlt645.codec.Dlt645Exception;
import org.tidegate.driver.dlt645.codec.Frame;
import org.tidegate.driver.modbus.ModbusDriver;
import org.tidegate.driver.modbus.ModbusSchema;
import org.tidegate.driver.modbus.codec.Crc16;
import org.tidegate.driver.modbus.codec.RtuFrame;
import org.tidegate.driver.modbus.slave.RegisterBank;
import org.tidegate.driver.serial.SerialBuses;
import org.tidegate.driver.serial.SerialLine;
import org.tidegate.driver.serial.SerialPorts;
import org.tidegate.driver.serial.SerialSettings;
import org.tidegate.driver.serial.testing.SocatPair;

/**
 * A DL/T 645 meter and a Modbus RTU device on one RS-485 line (one socat pty), polled at the same time from their
 * own threads by the two drivers through one {@link SerialBuses}: every request of either gets its answer (their
 * frames never interleave on the line) and both are served in turn. The far end is one peer that answers a frame
 * starting with {@code 68} (after any {@code FE}) as the meter and any other as Modbus unit 1.
 */
@Timeout(60)
class MixedBusTest {
    @TempDir
    Path dir;

    /** One device on the far end of the line for each protocol; a request is what arrives before 15 ms of silence. */
    static final class Peer implements AutoCloseable {
        final SerialLine line;
        final RegisterBank unit = new RegisterBank(0, 0, 0, 16);
        final AtomicInteger meterRequests = new AtomicInteger();
        final AtomicInteger modbusRequests = new AtomicInteger();
        final AtomicInteger garbled = new AtomicInteger();
        final Thread thread;
        volatile boolean running = true;
        volatile IOException failure; // why the peer stopped answering, if it did

        Peer(SerialSettings s) throws IOException {
            line = SerialPorts.open(s);
            unit.setHolding(0, 1234);
            thread = new Thread(this::loop, "mixed-peer");
            thread.setDaemon(true);
            thread.start();
        }

        void loop() {
            byte[] buf = new byte[512];
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            while (running) {
                try {
                    int n = line.read(buf, 0, buf.length, got.size() > 0 ? 15 : 100);
                    if (n > 0) {
                        got.write(buf, 0, n);
                    } else if (got.size() > 0) {
                        answer(got.toByteArray());
                        got.reset();
                    }
                } catch (IOException e) {
                    failure = e;
                    return;
                }
            }
        }

        void answer(byte[] req) throws IOException {
            int i = 0;
            while (i < req.length && (req[i] & 0xFF) == 0xFE) {
                i++;
            }
            if (i < req.length && (req[i] & 0xFF) == 0x68) {
                Frame f;
                try {
                    f = Frame.decode(Arrays.copyOfRange(req, i, req.length));
                } catch (Dlt645Exception e) {
                    garbled.incrementAndGet();
                    return;
                }
                meterRequests.incrementAndGet();
                byte[] value = BcdFormat.parse("XX.XXXX", true).encode(new BigDecimal("1.2345"));
                byte[] data = new byte[8];
                System.arraycopy(f.data(), 0, data, 0, 4);
                System.arraycopy(value, 0, data, 4, 3);
                byte[] wire = new Frame(f.address(), Control.READ_REPLY, Arrays.copyOf(data, 7)).encode(2);
                line.write(wire);
                return;
            }
            if (req.length < 4 || Crc16.of(req, 0, req.length - 2) != ((req[req.length - 1] & 0xFF) << 8 | (req[req.length - 2] & 0xFF))) {
                garbled.incrementAndGet();
                return;
            }
            modbusRequests.incrementAndGet();
            line.write(RtuFrame.encode(req[0] & 0xFF, unit.handle(Arrays.copyOfRange(req, 1, req.length - 2))));
        }

        @Override
        public void close() throws Exception {
            running = false;
            thread.join(2000);
            line.close();
        }
    }

    @Test
    void aMeterAndAModbusDeviceShareOneLine() throws Exception {
        try (SocatPair pair = SocatPair.start(dir);
             Peer peer = new Peer(SerialSettings.of(pair.endB().toString(), 9600))) {
            SerialBuses buses = new SerialBuses();
            String port = pair.endA().toString();
            Device meter = DeviceSchema.decode("em.json", "{\"id\":\"em\",\"protocol\":\"dlt645\",\"timeoutMs\":300,\"retries\":1,"
                    + "\"connection\":{\"port\":\"" + port + "\",\"baud\":9600,\"parity\":\"none\",\"address\":\"123456789012\"},"
                    + "\"channels\":[{\"id\":\"p\",\"address\":\"02030000\",\"format\":\"XX.XXXX\"}]}", new Dlt645Schema());
            Device rtu = DeviceSchema.decode("wl.json", "{\"id\":\"wl\",\"protocol\":\"modbus\",\"timeoutMs\":300,\"retries\":1,"
                    + "\"connection\":{\"transport\":\"rtu\",\"port\":\"" + port + "\",\"baud\":9600,\"unit\":1},"
                    + "\"channels\":[{\"id\":\"r\",\"address\":\"hr:0\",\"type\":\"uint16\"}]}", new ModbusSchema());
            try (Dlt645Driver meters = new Dlt645Driver(buses); ModbusDriver modbus = new ModbusDriver(buses)) {
                DeviceSession ms = meters.open(meter);
                DeviceSession rs = modbus.open(rtu);
                assertEquals(2, buses.users(port), "one bus for both protocols");
                int[] polls = new int[2];
                AtomicInteger bad = new AtomicInteger();
                List<String> errors = new java.util.concurrent.CopyOnWriteArrayList<>();
                CountDownLatch go = new CountDownLatch(1);
                long end = System.nanoTime() + 2_000_000_000L;
                List<Thread> threads = new ArrayList<>();
                Object[][] jobs = {{ms, meter, 0, 1.2345}, {rs, rtu, 1, 1234L}};
                for (Object[] j : jobs) {
                    DeviceSession s = (DeviceSession) j[0];
                    Device d = (Device) j[1];
                    int k = (Integer) j[2];
                    Thread t = new Thread(() -> {
                        try {
                            go.await();
                            while (System.nanoTime() < end) {
                                ChannelReading r = s.read(d.channels()).get(0);
                                if (!r.ok() || !String.valueOf(r.raw()).equals(String.valueOf(j[3]))) {
                                    bad.incrementAndGet();
                                    errors.add(d.id() + ": " + r.status() + " " + r.detail() + " " + r.raw());
                                }
                                polls[k]++;
                            }
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    });
                    threads.add(t);
                    t.start();
                }
                go.countDown();
                for (Thread t : threads) {
                    t.join(10_000);
                }
                System.out.println("mixed bus (pty, 2 s): meter polls " + polls[0] + ", modbus polls " + polls[1]);
                assertEquals(0, bad.get(), "every request answered right: " + errors + (peer.failure == null ? ""
                        : "; the peer stopped: " + peer.failure) + "; socat: " + java.nio.file.Files.readString(dir.resolve("socat.log")));
                assertEquals(0, peer.garbled.get(), "no request interleaved with another on the line");
                assertTrue(polls[0] >= 5 && polls[1] >= 5, "both served: " + Arrays.toString(polls));
                assertTrue(Math.max(polls[0], polls[1]) <= 2 * Math.min(polls[0], polls[1]) + 2, "in turn: " + Arrays.toString(polls));
                assertEquals(polls[0], peer.meterRequests.get());
                assertEquals(polls[1], peer.modbusRequests.get());
                ms.close();
                rs.close();
            }
        }
    }
}
