package org.tidegate.driver.dlt645.codec;

/**
 * Control codes (DL/T 645-2007, 4.3): D7 direction (1 = reply from the meter), D6 abnormal reply, D5 follow-up
 * frames exist, D4–D0 the function.
 */
public final class Control {
    private Control() {
    }

    /** Master: read data. */
    public static final int READ = 0x11;
    /** Meter: normal reply to a read, no follow-up. */
    public static final int READ_REPLY = 0x91;
    /** Meter: normal reply to a read, follow-up frames exist. */
    public static final int READ_REPLY_FOLLOW_UP = 0xB1;
    /** Meter: error reply to a read. */
    public static final int READ_ERROR = 0xD1;
    /** Master: read follow-up data (DI and a frame sequence number), after a {@link #READ_REPLY_FOLLOW_UP}. */
    public static final int READ_FOLLOW_UP = 0x12;
    /** Meter: normal reply to a follow-up read, no more follow-up. */
    public static final int READ_FOLLOW_UP_REPLY = 0x92;
    /** Meter: normal reply to a follow-up read, more follow-up frames exist. */
    public static final int READ_FOLLOW_UP_REPLY_MORE = 0xB2;
    /** Meter: error reply to a follow-up read. */
    public static final int READ_FOLLOW_UP_ERROR = 0xD2;
    /** Master: read communication address (wildcard address). */
    public static final int READ_ADDRESS = 0x13;
    /** Meter: reply to read address. */
    public static final int READ_ADDRESS_REPLY = 0x93;
    /** Master: broadcast time sync (no reply). */
    public static final int BROADCAST_TIME = 0x08;

    public static final int DIRECTION_REPLY = 0x80;
    public static final int ABNORMAL = 0x40;
    public static final int FOLLOW_UP = 0x20;

    public static boolean isReply(int control) {
        return (control & DIRECTION_REPLY) != 0;
    }

    public static boolean isAbnormal(int control) {
        return (control & ABNORMAL) != 0;
    }

    public static boolean hasFollowUp(int control) {
        return (control & FOLLOW_UP) != 0;
    }

    public static int function(int control) {
        return control & 0x1F;
    }
}
