package org.tidegate.driver.modbus.slave;

import org.tidegate.driver.modbus.codec.ExceptionCode;
import org.tidegate.driver.modbus.codec.FunctionCode;
import org.tidegate.driver.modbus.codec.Pdu;

/**
 * A unit backed by four tables in memory (coils, discrete inputs, input and holding registers), answering
 * FC 1–6, 15 and 16 with the standard exceptions: 1 for other functions, 2 for addresses outside a table,
 * 3 for bad quantities. Thread-safe; subclasses refresh values in {@link #beforeRead()} and react to writes in
 * {@link #afterWrite}.
 */
public class RegisterBank implements ModbusUnit {
    public enum Table { COIL, DISCRETE_INPUT, INPUT_REGISTER, HOLDING_REGISTER }

    private final boolean[] coils;
    private final boolean[] discreteInputs;
    private final int[] inputRegisters;
    private final int[] holdingRegisters;

    public RegisterBank(int coils, int discreteInputs, int inputRegisters, int holdingRegisters) {
        this.coils = new boolean[coils];
        this.discreteInputs = new boolean[discreteInputs];
        this.inputRegisters = new int[inputRegisters];
        this.holdingRegisters = new int[holdingRegisters];
    }

    /** Called before every read request, under the bank's lock. */
    protected void beforeRead() {
    }

    /** Called after a write request changed {@code count} items at {@code address}, under the bank's lock. */
    protected void afterWrite(Table table, int address, int count) {
    }

    @Override
    public synchronized byte[] handle(byte[] req) {
        int fc = req[0] & 0xFF;
        if (!FunctionCode.isKnown(fc)) {
            return Pdu.exception(fc, ExceptionCode.ILLEGAL_FUNCTION);
        }
        if (req.length < 5) {
            return Pdu.exception(fc, ExceptionCode.ILLEGAL_DATA_VALUE);
        }
        int address = Pdu.u16(req, 1);
        int qty = Pdu.u16(req, 3);
        switch (fc) {
            case 1, 2 -> {
                boolean[] t = fc == 1 ? coils : discreteInputs;
                if (qty < 1 || qty > FunctionCode.MAX_READ_BITS) {
                    return Pdu.exception(fc, ExceptionCode.ILLEGAL_DATA_VALUE);
                }
                if (address + qty > t.length) {
                    return Pdu.exception(fc, ExceptionCode.ILLEGAL_DATA_ADDRESS);
                }
                beforeRead();
                int n = (qty + 7) / 8;
                byte[] resp = new byte[2 + n];
                resp[0] = (byte) fc;
                resp[1] = (byte) n;
                for (int i = 0; i < qty; i++) {
                    if (t[address + i]) {
                        resp[2 + i / 8] |= (byte) (1 << (i % 8));
                    }
                }
                return resp;
            }
            case 3, 4 -> {
                int[] t = fc == 3 ? holdingRegisters : inputRegisters;
                if (qty < 1 || qty > FunctionCode.MAX_READ_REGISTERS) {
                    return Pdu.exception(fc, ExceptionCode.ILLEGAL_DATA_VALUE);
                }
                if (address + qty > t.length) {
                    return Pdu.exception(fc, ExceptionCode.ILLEGAL_DATA_ADDRESS);
                }
                beforeRead();
                byte[] resp = new byte[2 + 2 * qty];
                resp[0] = (byte) fc;
                resp[1] = (byte) (2 * qty);
                for (int i = 0; i < qty; i++) {
                    int v = t[address + i];
                    resp[2 + 2 * i] = (byte) (v >> 8);
                    resp[3 + 2 * i] = (byte) v;
                }
                return resp;
            }
            case 5 -> {
                if (qty != 0xFF00 && qty != 0) {
                    return Pdu.exception(fc, ExceptionCode.ILLEGAL_DATA_VALUE);
                }
                if (address >= coils.length) {
                    return Pdu.exception(fc, ExceptionCode.ILLEGAL_DATA_ADDRESS);
                }
                coils[address] = qty == 0xFF00;
                afterWrite(Table.COIL, address, 1);
                return req.clone();
            }
            case 6 -> {
                if (address >= holdingRegisters.length) {
                    return Pdu.exception(fc, ExceptionCode.ILLEGAL_DATA_ADDRESS);
                }
                holdingRegisters[address] = qty;
                afterWrite(Table.HOLDING_REGISTER, address, 1);
                return req.clone();
            }
            case 15 -> {
                if (qty < 1 || qty > FunctionCode.MAX_WRITE_BITS || req.length < 6 || (req[5] & 0xFF) != (qty + 7) / 8
                        || req.length != 6 + (qty + 7) / 8) {
                    return Pdu.exception(fc, ExceptionCode.ILLEGAL_DATA_VALUE);
                }
                if (address + qty > coils.length) {
                    return Pdu.exception(fc, ExceptionCode.ILLEGAL_DATA_ADDRESS);
                }
                for (int i = 0; i < qty; i++) {
                    coils[address + i] = (req[6 + i / 8] & (1 << (i % 8))) != 0;
                }
                afterWrite(Table.COIL, address, qty);
                return java.util.Arrays.copyOf(req, 5);
            }
            case 16 -> {
                if (qty < 1 || qty > FunctionCode.MAX_WRITE_REGISTERS || req.length < 6 || (req[5] & 0xFF) != 2 * qty
                        || req.length != 6 + 2 * qty) {
                    return Pdu.exception(fc, ExceptionCode.ILLEGAL_DATA_VALUE);
                }
                if (address + qty > holdingRegisters.length) {
                    return Pdu.exception(fc, ExceptionCode.ILLEGAL_DATA_ADDRESS);
                }
                for (int i = 0; i < qty; i++) {
                    holdingRegisters[address + i] = Pdu.u16(req, 6 + 2 * i);
                }
                afterWrite(Table.HOLDING_REGISTER, address, qty);
                return java.util.Arrays.copyOf(req, 5);
            }
            default -> {
                return Pdu.exception(fc, ExceptionCode.ILLEGAL_FUNCTION);
            }
        }
    }

    // Direct access for the unit's owner (simulation models, tests). Values are 0-65535 for registers.

    public synchronized void setHolding(int address, int... values) {
        for (int i = 0; i < values.length; i++) {
            holdingRegisters[address + i] = values[i] & 0xFFFF;
        }
    }

    public synchronized void setInput(int address, int... values) {
        for (int i = 0; i < values.length; i++) {
            inputRegisters[address + i] = values[i] & 0xFFFF;
        }
    }

    public synchronized int holding(int address) {
        return holdingRegisters[address];
    }

    public synchronized int input(int address) {
        return inputRegisters[address];
    }

    public synchronized void setCoil(int address, boolean on) {
        coils[address] = on;
    }

    public synchronized boolean coil(int address) {
        return coils[address];
    }

    public synchronized void setDiscreteInput(int address, boolean on) {
        discreteInputs[address] = on;
    }

    /** Puts a float32 (big-endian, high word first) into two holding registers. */
    public synchronized void setHoldingFloat(int address, float v) {
        int bits = Float.floatToIntBits(v);
        setHolding(address, bits >>> 16, bits & 0xFFFF);
    }

    /** Puts a float32 (big-endian, high word first) into two input registers. */
    public synchronized void setInputFloat(int address, float v) {
        int bits = Float.floatToIntBits(v);
        setInput(address, bits >>> 16, bits & 0xFFFF);
    }
}
