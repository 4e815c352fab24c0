package org.tidegate.driver.dlt645;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tidegate.core.config.ConfigNode;
import org.tidegate.core.config.DeviceSchema;
import org.tidegate.core.driver.ChannelReading;
import org.tidegate.core.driver.DeviceSession;
import org.tidegate.core.driver.ReadStatus;
import org.tidegate.core.model.Channel;
import org.tidegate.core.model.Device;
import org.tidegate.driver.dlt645.codec.BcdFormat;
import org.tidegate.driver.dlt645.codec.Control;
import org.tidegate.driver.dlt645.codec.Dlt645;
import org.tidegate.driver.dlt645.codec.Dlt645Exception;
import org.tidegate.driver.dlt645.codec.Frame;
import org.tidegate.driver.dlt645.codec.FrameDecoder;
import org.tidegate.driver.dlt645.codec.MeterAddress;
import org.tidegate.driver.serial.SerialLine;
import org.tidegate.driver.serial.SerialPorts;
import org.tidegate.driver.serial.SerialSettings;
import org.tidegate.driver.serial.testing.SocatPair;

/** Three meters on one socat pty bus, answered by a small meter simulator over the same codec. */
class Dlt645DriverTest {

    enum Fault { NONE, BAD_CHECKSUM, SILENT }

    /** The meter side: answers reads for the meters it knows, with a fault per meter. */
    static final class Meters implements AutoCloseable {
        final Map<String, Map<Integer, byte[]>> values = new ConcurrentHashMap<>();
        final Map<String, Fault> faults = new ConcurrentHashMap<>();
        private final SerialLine line;
        private final Thread thread;
        private volatile boolean running = true;

        Meters(SerialSettings settings) throws Exception {
            line = SerialPorts.open(settings);
            thread = new Thread(this::run, "dlt645-meters");
            thread.setDaemon(true);
            thread.start();
        }

        void put(String meter, int di, BcdFormat f, String value) {
            values.computeIfAbsent(meter, k -> new ConcurrentHashMap<>()).put(di, f.encode(new BigDecimal(value)));
        }

        private void run() {
            FrameDecoder d = new FrameDecoder();
            byte[] buf = new byte[256];
            FrameDecoder.Listener l = new FrameDecoder.Listener() {
                @Override
                public void frame(Frame f) {
                    answer(f);
                }

                @Override
                public void refused(Dlt645Exception reason, byte[] bytes) {
                }
            };
            while (running) {
                try {
                    int n = line.read(buf, 0, buf.length, 50);
                    d.feed(buf, 0, n, l);
                } catch (Exception e) {
                    return;
                }
            }
        }

        private void answer(Frame f) {
            if (f.control() != Control.READ) {
                return;
            }
            String m = f.address().digits();
            Map<Integer, byte[]> vs = values.get(m);
            Fault fault = faults.getOrDefault(m, Fault.NONE);
            if (vs == null || fault == Fault.SILENT) {
                return;
            }
            int di = Dlt645.identifier(f.data(), 0);
            byte[] v = vs.get(di);
            Frame reply;
            if (v == null) {
                reply = new Frame(f.address(), Control.READ_ERROR, new byte[] {0x02});
            } else {
                byte[] data = new byte[4 + v.length];
                System.arraycopy(f.data(), 0, data, 0, 4);
                System.arraycopy(v, 0, data, 4, v.length);
                reply = new Frame(f.address(), Control.READ_REPLY, data);
            }
            byte[] wire = reply.encode(2);
            if (fault == Fault.BAD_CHECKSUM) {
                wire[wire.length - 2] ^= 0x01;
            }
            try {
                line.write(wire);
            } catch (Exception e) {
                // test ends
            }
        }

        @Override
        public void close() throws Exception {
            running = false;
            thread.join(2000);
            line.close();
        }
    }

    private static Device device(String id, String port, String meter, long timeoutMs) {
        String json = "{\"id\":\"" + id + "\",\"protocol\":\"dlt645\",\"timeoutMs\":" + timeoutMs + ",\"retries\":1,"
                + "\"connection\":{\"port\":\"" + port + "\",\"baud\":115200,\"parity\":\"none\",\"address\":\"" + meter + "\"},"
                + "\"channels\":[{\"id\":\"p\",\"address\":\"02030000\",\"format\":\"XX.XXXX\"},"
                + "{\"id\":\"ua\",\"address\":\"02010100\",\"format\":\"XXX.X\"},"
                + "{\"id\":\"e\",\"address\":\"00010000\",\"format\":\"XXXXXX.XX\"}]}";
        return DeviceSchema.decode("test.json", json, new Dlt645Schema());
    }

    @Test
    void threeMetersOnOneBus(@TempDir Path dir) throws Exception {
        BcdFormat p = BcdFormat.parse("XX.XXXX", true);
        BcdFormat u = BcdFormat.parse("XXX.X", false);
        BcdFormat e = BcdFormat.parse("XXXXXX.XX", false);
        String[] ids = {"123456789012", "000000000001", "000000000002"};
        try (SocatPair pair = SocatPair.start(dir);
             Meters meters = new Meters(SerialSettings.of(pair.endB().toString(), 115200));
             Dlt645Driver driver = new Dlt645Driver()) {
            for (int i = 0; i < 3; i++) {
                meters.put(ids[i], 0x02030000, p, i == 1 ? "-1.2345" : "1.2345");
                meters.put(ids[i], 0x02010100, u, "220." + i);
                meters.put(ids[i], 0x00010000, e, "12345.6" + i);
            }
            List<DeviceSession> sessions = new ArrayList<>();
            List<Device> devices = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                devices.add(device("m" + i, pair.endA().toString(), ids[i], 300));
                sessions.add(driver.open(devices.get(i)));
            }
            for (int i = 0; i < 3; i++) {
                List<ChannelReading> r = sessions.get(i).read(devices.get(i).channels());
                for (ChannelReading x : r) {
                    assertEquals(ReadStatus.OK, x.status(), x.detail());
                }
                assertEquals(i == 1 ? -1.2345 : 1.2345, (Double) r.get(0).raw(), 1e-9);
                assertEquals(220.0 + i / 10.0, (Double) r.get(1).raw(), 1e-9);
                assertEquals(12345.6 + i / 100.0, (Double) r.get(2).raw(), 1e-9);
            }
            Channel power = devices.get(0).channels().get(0);
            meters.faults.put(ids[0], Fault.BAD_CHECKSUM);
            ChannelReading crc = sessions.get(0).read(List.of(power)).get(0);
            assertEquals(ReadStatus.CRC_ERROR, crc.status(), crc.detail());
            meters.faults.put(ids[0], Fault.SILENT);
            long t0 = System.nanoTime();
            ChannelReading timeout = sessions.get(0).read(List.of(power)).get(0);
            long took = (System.nanoTime() - t0) / 1_000_000L;
            assertEquals(ReadStatus.TIMEOUT, timeout.status(), timeout.detail());
            assertTrue(took < 2 * 300 + 200, "two attempts bounded by the timeout, took " + took + " ms");
            // the other meters on the bus are unaffected
            assertEquals(ReadStatus.OK, sessions.get(1).read(List.of(devices.get(1).channels().get(0))).get(0).status());
            meters.faults.put(ids[0], Fault.NONE);
            meters.values.get(ids[0]).remove(0x00010000);
            ChannelReading err = sessions.get(0).read(List.of(devices.get(0).channels().get(2))).get(0);
            assertEquals(ReadStatus.DEVICE_EXCEPTION, err.status(), err.detail());
            assertTrue(err.detail().contains("no requested data"), err.detail());
            sessions.forEach(DeviceSession::close);
        }
    }
}
