package org.tidegate.driver.modbus.codec;

/** The public function codes this codec speaks (Modbus Application Protocol V1.1b3, section 6). */
public final class FunctionCode {
    public static final int READ_COILS = 1;
    public static final int READ_DISCRETE_INPUTS = 2;
    public static final int READ_HOLDING_REGISTERS = 3;
    public static final int READ_INPUT_REGISTERS = 4;
    public static final int WRITE_SINGLE_COIL = 5;
    public static final int WRITE_SINGLE_REGISTER = 6;
    public static final int WRITE_MULTIPLE_COILS = 15;
    public static final int WRITE_MULTIPLE_REGISTERS = 16;
    /** Set in the function code of an exception response. */
    public static final int EXCEPTION_FLAG = 0x80;

    /** Largest quantities one request may carry (spec section 6.1–6.4, 6.11, 6.12). */
    public static final int MAX_READ_BITS = 2000;
    public static final int MAX_READ_REGISTERS = 125;
    public static final int MAX_WRITE_BITS = 1968;
    public static final int MAX_WRITE_REGISTERS = 123;

    private FunctionCode() {
    }

    public static boolean isBitRead(int fc) {
        return fc == READ_COILS || fc == READ_DISCRETE_INPUTS;
    }

    public static boolean isRegisterRead(int fc) {
        return fc == READ_HOLDING_REGISTERS || fc == READ_INPUT_REGISTERS;
    }

    public static boolean isKnown(int fc) {
        return (fc >= 1 && fc <= 6) || fc == 15 || fc == 16;
    }
}
