package org.tidegate.driver.modbus.codec;

/**
 * Incremental RTU frame decoder: feed it bytes as they arrive, in any split, and it says when a whole frame is
 * there. RTU has no length field, so the frame's length comes from its function code (and byte count); which
 * rule applies depends on the direction, hence the two roles.
 *
 * <p>Not thread-safe; one decoder per exchange (call {@link #reset()} to reuse).
 */
public final class RtuFrameDecoder {

    /** Which side's frames are being decoded. */
    public enum Role {
        /** Decodes responses (a master reading a slave's answer). */
        RESPONSE,
        /** Decodes requests (a slave listening on the bus). */
        REQUEST
    }

    public enum State {
        /** Not yet a whole frame. */
        NEED_MORE,
        /** A whole frame with a good CRC: {@link #unit()} and {@link #pdu()} are valid. */
        COMPLETE,
        /** A whole frame whose CRC does not match. */
        CRC_ERROR,
        /** The function code gives no way to know the frame's length (unknown function). */
        UNFRAMEABLE
    }

    private final Role role;
    private final byte[] buf = new byte[9 + 255];
    private int size;
    private int expected = -1;
    private int extra;
    private State state = State.NEED_MORE;

    public RtuFrameDecoder(Role role) {
        this.role = role;
    }

    public void reset() {
        size = 0;
        expected = -1;
        extra = 0;
        state = State.NEED_MORE;
    }

    /** Feeds one byte. */
    public State feed(byte b) {
        return feed(new byte[] {b}, 0, 1);
    }

    /**
     * Feeds bytes; bytes after a finished frame are counted in {@link #extraBytes()} and otherwise ignored.
     *
     * @return the state after these bytes
     */
    public State feed(byte[] data, int off, int len) {
        for (int i = off; i < off + len; i++) {
            if (state != State.NEED_MORE) {
                extra += off + len - i;
                return state;
            }
            buf[size++] = data[i];
            if (expected < 0) {
                expected = lengthFromHeader();
                if (expected == -2) {
                    state = State.UNFRAMEABLE;
                    continue;
                }
            }
            if (expected > 0 && size == expected) {
                int crc = Crc16.of(buf, 0, size - 2);
                int got = (buf[size - 2] & 0xFF) | ((buf[size - 1] & 0xFF) << 8);
                state = crc == got ? State.COMPLETE : State.CRC_ERROR;
            }
        }
        return state;
    }

    /** -1: not known yet; -2: cannot be known; else the whole frame's length including CRC. */
    private int lengthFromHeader() {
        if (size < 2) {
            return -1;
        }
        int fc = buf[1] & 0xFF;
        if (role == Role.RESPONSE) {
            if ((fc & FunctionCode.EXCEPTION_FLAG) != 0) {
                return FunctionCode.isKnown(fc & 0x7F) ? 5 : -2;
            }
            return switch (fc) {
                case 1, 2, 3, 4 -> size < 3 ? -1 : 5 + (buf[2] & 0xFF);
                case 5, 6, 15, 16 -> 8;
                default -> -2;
            };
        }
        return switch (fc) {
            case 1, 2, 3, 4, 5, 6 -> 8;
            case 15, 16 -> size < 7 ? -1 : 9 + (buf[6] & 0xFF);
            default -> -2;
        };
    }

    public State state() {
        return state;
    }

    /** Bytes of the current frame received so far. */
    public int received() {
        return size;
    }

    /** The frame's full length once known from its header, else -1. */
    public int expectedLength() {
        return expected >= 0 ? expected : -1;
    }

    /** Bytes that arrived after the frame was finished. */
    public int extraBytes() {
        return extra;
    }

    public int unit() {
        return buf[0] & 0xFF;
    }

    public int functionCode() {
        return size > 1 ? buf[1] & 0xFF : -1;
    }

    /** The PDU of a {@link State#COMPLETE} frame. */
    public byte[] pdu() {
        if (state != State.COMPLETE) {
            throw new IllegalStateException("no complete frame (" + state + ")");
        }
        byte[] pdu = new byte[size - 3];
        System.arraycopy(buf, 1, pdu, 0, pdu.length);
        return pdu;
    }

    /** The raw bytes received for this frame, for log lines. */
    public String hex() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < size; i++) {
            sb.append(String.format("%02X", buf[i] & 0xFF));
            if (i + 1 < size) {
                sb.append(' ');
            }
        }
        return sb.toString();
    }
}
