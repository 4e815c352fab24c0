package org.tidegate.driver.modbus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.tidegate.driver.modbus.Devices.ch;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.tidegate.core.driver.ChannelReading;
import org.tidegate.core.driver.DeviceSession;
import org.tidegate.core.driver.DriverException;
import org.tidegate.core.driver.ReadStatus;
import org.tidegate.core.model.Access;
import org.tidegate.core.model.Channel;
import org.tidegate.core.model.DataType;
import org.tidegate.core.model.Device;
import org.tidegate.core.model.Endian;
import org.tidegate.driver.modbus.internal.ModbusSession;
import org.tidegate.driver.modbus.slave.Fault;
import org.tidegate.driver.modbus.slave.ModbusTcpSlave;
import org.tidegate.driver.modbus.slave.RegisterBank;
import org.tidegate.driver.modbus.slave.SlaveUnits;

/** The driver over real loopback TCP against our slave. */
class ModbusTcpDriverTest {
    private final RegisterBank bank = new RegisterBank(32, 32, 64, 200);
    private final SlaveUnits units = new SlaveUnits().add(1, bank);
    private final ModbusDriver driver = new ModbusDriver();
    private ModbusTcpSlave slave;

    @BeforeEach
    void start() throws Exception {
        slave = ModbusTcpSlave.start(units, "127.0.0.1", 0);
    }

    @AfterEach
    void stop() {
        driver.close();
        slave.close();
    }

    @Test
    void readsEveryTypeAndOrderInMergedBlocks() throws Exception {
        bank.setHolding(0, 0x42F6, 0xE979);          // float32 ABCD 123.456
        bank.setHolding(2, 0xE979, 0x42F6);          // float32 CDAB
        bank.setHolding(4, 0xFFFE);                  // int16 -2
        bank.setHolding(5, 0b1010);                  // bits
        bank.setHolding(6, 0x7856, 0x3412);          // int32 DCBA 0x12345678
        bank.setHolding(8, 0x0102, 0x0304, 0x0506, 0x0708);
        bank.setHolding(12, 0x3FF0, 0, 0, 0);        // float64 1.0
        bank.setHolding(16, 0x5449, 0x4445, 0x3100); // "TIDE1"
        bank.setHolding(40, 0xFFFF, 0xFFFE);         // uint32 far away
        bank.setInput(3, 1234);
        bank.setCoil(7, true);
        bank.setDiscreteInput(2, true);
        List<Channel> cs = List.of(
                ch("f", "hr:0", DataType.FLOAT32),
                ch("fcdab", "hr:2", DataType.FLOAT32, Endian.BIG, Endian.LITTLE),
                ch("i16", "hr:4", DataType.INT16),
                ch("b1", "hr:5.1", DataType.BOOL),
                ch("b2", "hr:5.2", DataType.BOOL),
                ch("i32", "hr:6", DataType.INT32, Endian.LITTLE, Endian.LITTLE),
                ch("i64", "hr:8", DataType.INT64),
                ch("f64", "hr:12", DataType.FLOAT64),
                Devices.channel("id", "s", "address", "hr:16", "type", "string", "length", 3),
                ch("u32", "hr:40", DataType.UINT32),
                ch("ir", "ir:3", DataType.UINT16),
                ch("coil", "coil:7", DataType.BOOL),
                ch("di", "di:2", DataType.BOOL));
        Device d = Devices.tcp("t1", slave.port(), 1, 1000, 0, cs, Map.of("maxGap", 8));
        try (DeviceSession s = driver.open(d)) {
            List<ChannelReading> r = s.read(cs);
            assertEquals(cs.size(), r.size());
            r.forEach(x -> assertTrue(x.ok(), x.channel().id() + " " + x.status() + " " + x.detail()));
            assertEquals((double) 123.456f, r.get(0).raw());
            assertEquals((double) 123.456f, r.get(1).raw());
            assertEquals(-2L, r.get(2).raw());
            assertEquals(true, r.get(3).raw());
            assertEquals(false, r.get(4).raw());
            assertEquals(0x12345678L, r.get(5).raw());
            assertEquals(0x0102030405060708L, r.get(6).raw());
            assertEquals(1.0, r.get(7).raw());
            assertEquals("TIDE1", r.get(8).raw());
            assertEquals(4294967294L, r.get(9).raw());
            assertEquals(1234L, r.get(10).raw());
            assertEquals(true, r.get(11).raw());
            assertEquals(true, r.get(12).raw());
            // hr 0-18 in one request (gap 0), hr 40 (gap 21 > 8) alone, ir, coil, di: five requests.
            assertEquals(5, ((ModbusSession) s).plan().blocks().size());
        }
    }

    @Test
    void writesWithFunctions5_6_15_16() throws Exception {
        Channel coil = ch("relay", "coil:3", DataType.BOOL);
        Channel coilMulti = Devices.channel("id", "relay2", "address", "coil:4", "type", "bool",
                "access", "readwrite", "writeMultiple", true);
        Channel reg = ch("sp", "hr:20", DataType.INT16);
        Channel f = ch("f", "hr:30", DataType.FLOAT32, Endian.BIG, Endian.LITTLE);
        Channel ro = Devices.channel("id", "ro", "address", "hr:32", "type", "uint16"); // not hr:31: f reads it
        Channel ir = ch("ir", "ir:0", DataType.UINT16);
        Device d = Devices.tcp("t2", slave.port(), 1, 1000, 0, List.of(coil, coilMulti, reg, f, ro, ir), Map.of());
        try (DeviceSession s = driver.open(d)) {
            assertEquals(ReadStatus.OK, s.write(coil, true).status());
            assertTrue(bank.coil(3));
            assertEquals(ReadStatus.OK, s.write(coilMulti, 1L).status());
            assertTrue(bank.coil(4));
            assertEquals(ReadStatus.OK, s.write(reg, -5L).status());
            assertEquals(0xFFFB, bank.holding(20));
            assertEquals(ReadStatus.OK, s.write(f, 2.5).status());
            assertEquals(0x0000, bank.holding(30));
            assertEquals(0x4020, bank.holding(31));
            assertEquals(ReadStatus.UNSUPPORTED, s.write(ro, 1L).status());
            assertEquals(ReadStatus.UNSUPPORTED, s.write(ir, 1L).status());
            assertEquals(ReadStatus.UNSUPPORTED, s.write(reg, 70000L).status());
            List<ChannelReading> back = s.read(List.of(f, coil));
            assertEquals(2.5, back.get(0).raw());
            assertEquals(true, back.get(1).raw());
        }
    }

    @Test
    void exceptionsFaultsAndTimeoutsBecomePerChannelStatuses() throws Exception {
        Channel good = ch("good", "hr:0", DataType.UINT16);
        Channel outside = ch("outside", "hr:500", DataType.UINT16);
        Channel otherTable = ch("ir", "ir:0", DataType.UINT16);
        List<Channel> cs = List.of(good, outside, otherTable);
        Device d = Devices.tcp("t3", slave.port(), 1, 300, 1, cs, Map.of());
        try (DeviceSession s = driver.open(d)) {
            List<ChannelReading> r = s.read(cs);
            assertEquals(ReadStatus.OK, r.get(0).status());
            assertEquals(ReadStatus.DEVICE_EXCEPTION, r.get(1).status());
            assertEquals("exception 2 (illegal data address)", r.get(1).detail());
            assertEquals(ReadStatus.OK, r.get(2).status());

            units.fault(1, Fault.BAD_CRC);
            assertEquals(ReadStatus.MALFORMED, s.read(List.of(good)).get(0).status());
            units.fault(1, Fault.SHORT_FRAME);
            assertEquals(ReadStatus.MALFORMED, s.read(List.of(good)).get(0).status());

            units.fault(1, Fault.SILENT);
            long t0 = System.nanoTime();
            List<ChannelReading> dead = s.read(cs);
            long tookMs = (System.nanoTime() - t0) / 1_000_000;
            dead.forEach(x -> assertEquals(ReadStatus.TIMEOUT, x.status(), x.channel().id()));
            // Two attempts of 300 ms for the first block; the other blocks are not tried once the device is silent.
            assertTrue(tookMs < 3000, "dead device read took " + tookMs + " ms");

            units.fault(1, Fault.NONE);
            assertEquals(ReadStatus.OK, s.read(List.of(good)).get(0).status());
        }
        Device wrongUnit = Devices.tcp("t4", slave.port(), 9, 300, 0, List.of(good), Map.of());
        try (DeviceSession s = driver.open(wrongUnit)) {
            ChannelReading r = s.read(List.of(good)).get(0);
            assertEquals(ReadStatus.DEVICE_EXCEPTION, r.status());
            assertTrue(r.detail().contains("gateway target"), r.detail());
        }
    }

    @Test
    void serverGoneIsNotConnectedAndTheSessionRecovers() throws Exception {
        int port = slave.port();
        Channel good = ch("good", "hr:0", DataType.UINT16);
        bank.setHolding(0, 77);
        Device d = Devices.tcp("t5", port, 1, 300, 0, List.of(good), Map.of());
        try (DeviceSession s = driver.open(d)) {
            assertEquals(77L, s.read(List.of(good)).get(0).raw());
            slave.close();
            ChannelReading r = s.read(List.of(good)).get(0);
            assertFalse(r.ok());
            assertEquals(ReadStatus.NOT_CONNECTED, s.read(List.of(good)).get(0).status());
            slave = ModbusTcpSlave.start(units, "127.0.0.1", port);
            long deadline = System.currentTimeMillis() + 5000;
            ChannelReading back;
            do {
                Thread.sleep(50);
                back = s.read(List.of(good)).get(0);
            } while (!back.ok() && System.currentTimeMillis() < deadline);
            assertEquals(77L, back.raw());
        }
    }

    @Test
    void aLateAnswerIsDroppedNotTakenForTheNextRequest() throws Exception {
        bank.setHolding(0, 11);
        bank.setHolding(1, 22);
        Channel a = ch("a", "hr:0", DataType.UINT16);
        Channel b = ch("b", "hr:1", DataType.UINT16);
        Device d = Devices.tcp("slow", slave.port(), 1, 200, 0, List.of(a, b), Map.of());
        try (DeviceSession s = driver.open(d)) {
            units.delay(1, 500);
            assertEquals(ReadStatus.TIMEOUT, s.read(List.of(a)).get(0).status());
            units.delay(1, 0);
            // The answer to the timed-out read of hr 0 arrives first; it must be dropped by its transaction id.
            Thread.sleep(400);
            ChannelReading r = s.read(List.of(b)).get(0);
            assertEquals(ReadStatus.OK, r.status(), r.detail());
            assertEquals(22L, r.raw());
        }
    }

    @Test
    void aMergedReadRefusedForAHoleIsSplitAroundTheHole() throws Exception {
        slave.close();
        // A device whose map has a hole at hr 5: any read touching it answers exception 2.
        SlaveUnits holey = new SlaveUnits().add(1, req -> {
            int start = org.tidegate.driver.modbus.codec.Pdu.u16(req, 1);
            int qty = org.tidegate.driver.modbus.codec.Pdu.u16(req, 3);
            if ((req[0] & 0xFF) == 3 && start <= 5 && start + qty > 5) {
                return org.tidegate.driver.modbus.codec.Pdu.exception(3, 2);
            }
            return bank.handle(req);
        });
        slave = ModbusTcpSlave.start(holey, "127.0.0.1", 0);
        for (int i = 0; i < 10; i++) {
            bank.setHolding(i, 100 + i);
        }
        List<Channel> cs = List.of(ch("a", "hr:0", DataType.UINT16), ch("b", "hr:4", DataType.UINT16),
                ch("c", "hr:6", DataType.UINT16), ch("d", "hr:9", DataType.UINT16));
        Device d = Devices.tcp("holey", slave.port(), 1, 1000, 0, cs, Map.of("maxGap", 8));
        try (DeviceSession s = driver.open(d)) {
            List<ChannelReading> r = s.read(cs);
            r.forEach(x -> assertTrue(x.ok(), x.channel().id() + " " + x.status() + " " + x.detail()));
            assertEquals(List.of(100L, 104L, 106L, 109L), r.stream().map(ChannelReading::raw).toList());
            assertEquals(4, ((ModbusSession) s).plan().blocks().size());
            assertTrue(s.read(cs).stream().allMatch(ChannelReading::ok));
        }
        // A refused read without gaps stays a per-channel device exception.
        Device one = Devices.tcp("hole", slave.port(), 1, 1000, 0, List.of(ch("h", "hr:5", DataType.UINT16)), Map.of());
        try (DeviceSession s = driver.open(one)) {
            assertEquals(ReadStatus.DEVICE_EXCEPTION, s.read(one.channels()).get(0).status());
        }
    }

    @Test
    void badConnectionConfigIsRefusedByTheSchema() {
        Channel c = ch("x", "hr:0", DataType.UINT16);
        assertThrows(IllegalArgumentException.class, () -> Devices.decode(Devices.document("d", Map.of("transport", "udp"),
                1000, 100, 0, List.of(c), Map.of())));
        assertThrows(IllegalArgumentException.class, () -> Devices.decode(Devices.document("d", Map.of("transport", "tcp"),
                1000, 100, 0, List.of(c), Map.of())));
        assertThrows(IllegalArgumentException.class, () -> Devices.decode(Devices.document("d",
                Map.of("transport", "rtu", "port", "/dev/null", "parity", "mark"), 1000, 100, 0, List.of(c), Map.of())));
        assertThrows(IllegalArgumentException.class, () -> Devices.decode(Devices.document("d",
                Map.of("transport", "tcp", "host", "h", "port", "abc"), 1000, 100, 0, List.of(c), Map.of())));
    }
}
