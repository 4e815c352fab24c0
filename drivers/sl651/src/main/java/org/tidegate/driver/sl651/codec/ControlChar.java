package org.tidegate.driver.sl651.codec;

/** The control characters of SL 651-2014 (table 5): start and end of a body. */
public final class ControlChar {
    /** Start of a single-packet body. */
    public static final int STX = 0x02;
    /** Start of a multi-packet body (packet count and number follow the length); not supported here. */
    public static final int SYN = 0x16;
    /** End of the message, uplink. */
    public static final int ETX = 0x03;
    /** End of a packet, more follow, uplink. */
    public static final int ETB = 0x17;
    /** Downlink: query or request, an answer is expected. */
    public static final int ENQ = 0x05;
    /** Downlink acknowledgement: end of transmission, the station may close the link. */
    public static final int EOT = 0x04;
    /** Downlink: positive acknowledgement of a packet of a multi-packet message. */
    public static final int ACK = 0x06;
    /** Downlink: negative acknowledgement, send again. */
    public static final int NAK = 0x15;
    /** Downlink acknowledgement: end of transmission, the station keeps the link open. */
    public static final int ESC = 0x1B;

    private ControlChar() {
    }

    static boolean isUplinkEnd(int b) {
        return b == ETX || b == ETB;
    }

    static boolean isDownlinkEnd(int b) {
        return b == ETX || b == ETB || b == ENQ || b == EOT || b == ACK || b == NAK || b == ESC;
    }
}
