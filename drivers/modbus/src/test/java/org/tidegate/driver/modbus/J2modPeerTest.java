package org.tidegate.driver.modbus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.ghgande.j2mod.modbus.Modbus;
import com.ghgande.j2mod.modbus.ModbusException;
import com.ghgande.j2mod.modbus.ModbusSlaveException;
import com.ghgande.j2mod.modbus.facade.ModbusSerialMaster;
import com.ghgande.j2mod.modbus.facade.ModbusTCPMaster;
import com.ghgande.j2mod.modbus.procimg.Register;
import com.ghgande.j2mod.modbus.procimg.SimpleRegister;
import com.ghgande.j2mod.modbus.util.BitVector;
import com.ghgande.j2mod.modbus.util.SerialParameters;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tidegate.core.testing.ExternalTools;
import org.tidegate.driver.modbus.slave.ModbusRtuSlave;
import org.tidegate.driver.modbus.slave.ModbusTcpSlave;
import org.tidegate.driver.modbus.slave.RegisterBank;
import org.tidegate.driver.modbus.slave.SlaveUnits;
import org.tidegate.driver.serial.SerialSettings;
import org.tidegate.driver.serial.testing.SocatPair;

/** Our slave side against j2mod's masters (a client nobody here wrote), so the simulator speaks real Modbus. */
class J2modPeerTest {

    @Test
    void j2modTcpMasterReadsAndWritesOurSlave() throws Exception {
        RegisterBank bank = new RegisterBank(16, 16, 16, 16);
        bank.setHolding(0, 555, 0, 100);
        bank.setInput(2, 42);
        bank.setDiscreteInput(5, true);
        try (ModbusTcpSlave slave = ModbusTcpSlave.start(new SlaveUnits().add(1, bank), "127.0.0.1", 0)) {
            ModbusTCPMaster m = new ModbusTCPMaster("127.0.0.1", slave.port(), 2000, false);
            m.connect();
            try {
                exercise(m::readMultipleRegisters, m, bank);
                assertEquals(42, m.readInputRegisters(1, 2, 1)[0].getValue());
                assertEquals(true, m.readInputDiscretes(1, 0, 8).getBit(5));
            } finally {
                m.disconnect();
            }
        }
    }

    @Test
    void j2modRtuMasterReadsOurSlave(@TempDir Path dir) throws Exception {
        Assumptions.assumeTrue(ExternalTools.usable("socat"));
        RegisterBank bank = new RegisterBank(16, 16, 16, 16);
        bank.setHolding(0, 555, 0, 100);
        try (SocatPair pair = SocatPair.start(dir);
             ModbusRtuSlave slave = ModbusRtuSlave.start(new SlaveUnits().add(1, bank), SerialSettings.of(pair.endB().toString(), 19200))) {
            SerialParameters p = new SerialParameters();
            p.setPortName(pair.endA().toString());
            p.setBaudRate(19200);
            p.setDatabits(8);
            p.setParity("None");
            p.setStopbits(1);
            p.setEncoding(Modbus.SERIAL_ENCODING_RTU);
            ModbusSerialMaster m = new ModbusSerialMaster(p, 1000);
            m.connect();
            try {
                exercise(m::readMultipleRegisters, m, bank);
            } finally {
                m.disconnect();
            }
        }
    }

    interface RegisterReader {
        Register[] read(int unit, int ref, int count) throws ModbusException;
    }

    private static void exercise(RegisterReader read, com.ghgande.j2mod.modbus.facade.AbstractModbusMaster m, RegisterBank bank)
            throws Exception {
        Register[] r = read.read(1, 0, 3);
        assertEquals(555, r[0].getValue());
        assertEquals(100, r[2].getValue());
        m.writeSingleRegister(1, 5, new SimpleRegister(7));
        assertEquals(7, bank.holding(5));
        m.writeMultipleRegisters(1, 6, new Register[] {new SimpleRegister(8), new SimpleRegister(9)});
        assertEquals(9, bank.holding(7));
        m.writeCoil(1, 2, true);
        assertEquals(true, bank.coil(2));
        BitVector bv = new BitVector(3);
        bv.setBit(0, true);
        bv.setBit(2, true);
        m.writeMultipleCoils(1, 8, bv);
        assertEquals(true, bank.coil(10));
        assertEquals(false, bank.coil(9));
        assertEquals(true, m.readCoils(1, 0, 16).getBit(2));
        ModbusSlaveException e = assertThrows(ModbusSlaveException.class, () -> read.read(1, 15, 5));
        assertEquals(2, e.getType());
    }
}
