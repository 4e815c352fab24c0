package org.tidegate.crypto;

/** Field 4 of the envelope: what the body is. */
public enum ContentType {
    TELEMETRY(0x01),
    /** Alarm or event. */
    ALARM(0x02),
    STATUS(0x03),
    /** Cloud to gateway; subject to replay and freshness checks. */
    COMMAND(0x10),
    /** Gateway to cloud, answering a command. */
    REPLY(0x11);

    private final int code;

    ContentType(int code) {
        this.code = code;
    }

    /** The wire byte. */
    public int code() {
        return code;
    }

    /** The type for a wire byte, or null if the byte names none. */
    public static ContentType fromCode(int code) {
        for (ContentType t : values()) {
            if (t.code == code) {
                return t;
            }
        }
        return null;
    }
}
