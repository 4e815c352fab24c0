package org.tidegate.driver.modbus.codec;

/** Modbus exception codes (Modbus Application Protocol V1.1b3, section 7) with their names for log lines. */
public final class ExceptionCode {
    public static final int ILLEGAL_FUNCTION = 1;
    public static final int ILLEGAL_DATA_ADDRESS = 2;
    public static final int ILLEGAL_DATA_VALUE = 3;
    public static final int SERVER_DEVICE_FAILURE = 4;
    public static final int GATEWAY_TARGET_FAILED = 0x0B;

    private ExceptionCode() {
    }

    public static String describe(int code) {
        String name = switch (code) {
            case 1 -> "illegal function";
            case 2 -> "illegal data address";
            case 3 -> "illegal data value";
            case 4 -> "server device failure";
            case 5 -> "acknowledge";
            case 6 -> "server device busy";
            case 8 -> "memory parity error";
            case 0x0A -> "gateway path unavailable";
            case 0x0B -> "gateway target device failed to respond";
            default -> "unknown";
        };
        return "exception " + code + " (" + name + ")";
    }
}
