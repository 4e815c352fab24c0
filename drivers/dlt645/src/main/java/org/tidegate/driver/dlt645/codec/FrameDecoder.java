package org.tidegate.driver.dlt645.codec;

import java.util.HexFormat;

/**
 * Incremental DL/T 645-2007 frame decoder: feed it bytes as they arrive, in any split, and it hands each whole
 * frame, or each refused candidate with its reason, to a {@link Listener}.
 *
 * <p>Framing: bytes before a {@code 68} are skipped ({@code FE} preamble silently, anything else counted in
 * {@link #discarded()}); a candidate is {@code 68}, 6 address bytes, {@code 68}, control, length L ≤ 200, L data
 * bytes, checksum, {@code 16}. A candidate is refused as soon as it is known to be bad (second {@code 68}
 * missing, L too large, no {@code 16} where L puts it, checksum, address not BCD); the decoder then drops only
 * its first {@code 68} and rescans the bytes after it, so a real frame that began inside the refused candidate
 * is still found (resynchronisation). While a candidate waits for its remaining bytes, a whole frame that ends
 * at the newest byte and began inside it wins: the candidate is refused as cut off and the frame delivered (a
 * truncated frame, or a damaged length byte, does not swallow the frames after it). The buffer is a fixed {@value #CAPACITY} bytes: the largest frame.
 *
 * <p>Not thread-safe; one decoder per line reader (call {@link #reset()} between exchanges).
 */
public final class FrameDecoder {

    /** Receives what the decoder finds. */
    public interface Listener {
        /** A whole frame with a good checksum. */
        void frame(Frame frame);

        /** A candidate frame refused with {@code reason}; {@code bytes} are the candidate's bytes, for log lines. */
        void refused(Dlt645Exception reason, byte[] bytes);
    }

    /** The largest frame: {@value Frame#OVERHEAD} + {@value Frame#MAX_DATA}. */
    public static final int CAPACITY = Frame.OVERHEAD + Frame.MAX_DATA;

    private final byte[] buf = new byte[CAPACITY];
    private int size;
    private long discarded;

    public void reset() {
        size = 0;
        discarded = 0;
    }

    /** Feeds one byte. */
    public void feed(byte b, Listener listener) {
        if (size == 0 && (b & 0xFF) != Frame.START) {
            if ((b & 0xFF) != Frame.PREAMBLE) {
                discarded++;
            }
            return;
        }
        buf[size++] = b;
        scan(listener);
    }

    /** Feeds {@code len} bytes from {@code off}. */
    public void feed(byte[] data, int off, int len, Listener listener) {
        for (int i = off; i < off + len; i++) {
            feed(data[i], listener);
        }
    }

    /**
     * The input has ended (the reply deadline passed, the port closed): a partial frame still buffered is refused
     * as {@link Dlt645Exception.Reason#TRUNCATED}, and the decoder is empty afterwards.
     */
    public void endOfInput(Listener listener) {
        if (size > 0) {
            byte[] bytes = copy(size);
            String what = size < 10 ? "header" : "frame of " + (Frame.OVERHEAD + (buf[9] & 0xFF)) + " bytes";
            size = 0;
            listener.refused(new Dlt645Exception(Dlt645Exception.Reason.TRUNCATED,
                    "input ended after " + bytes.length + " bytes of a " + what), bytes);
        }
    }

    /** Bytes of a partial frame held now. */
    public int buffered() {
        return size;
    }

    /** Bytes skipped outside any frame, other than the {@code FE} preamble (not counting refused candidates). */
    public long discarded() {
        return discarded;
    }

    /** Examines the buffer from its start; buf[0] is always 68 when size > 0. */
    private void scan(Listener listener) {
        while (size > 0) {
            if (size >= 8 && (buf[7] & 0xFF) != Frame.START) {
                refuse(listener, Dlt645Exception.Reason.MALFORMED, String.format("byte 7 is %02X, not the second 68", buf[7] & 0xFF), 8);
                continue;
            }
            if (size < 10) {
                return;
            }
            int len = buf[9] & 0xFF;
            if (len > Frame.MAX_DATA) {
                refuse(listener, Dlt645Exception.Reason.MALFORMED, "length " + len + " over the limit of " + Frame.MAX_DATA, 10);
                continue;
            }
            int total = Frame.OVERHEAD + len;
            if (size < total) {
                int inner = innerFrame();
                if (inner < 0) {
                    return;
                }
                byte[] bytes = copy(inner);
                drop(inner);
                listener.refused(new Dlt645Exception(Dlt645Exception.Reason.TRUNCATED, "frame cut off after " + inner
                        + " bytes by the next frame, in " + HexFormat.ofDelimiter(" ").withUpperCase().formatHex(bytes)), bytes);
                continue;
            }
            if ((buf[total - 1] & 0xFF) != Frame.END) {
                refuse(listener, Dlt645Exception.Reason.LENGTH,
                        String.format("length %d puts the end byte at %d, found %02X instead of 16", len, total - 1, buf[total - 1] & 0xFF), total);
                continue;
            }
            int cs = Frame.checksum(buf, 0, total - 2);
            if (cs != (buf[total - 2] & 0xFF)) {
                refuse(listener, Dlt645Exception.Reason.CHECKSUM,
                        String.format("checksum %02X, computed %02X", buf[total - 2] & 0xFF, cs), total);
                continue;
            }
            MeterAddress address;
            try {
                address = MeterAddress.fromWire(buf, 1);
            } catch (Dlt645Exception e) {
                listener.refused(e, copy(total));
                drop(1);
                continue;
            }
            byte[] data = new byte[len];
            for (int i = 0; i < len; i++) {
                data[i] = (byte) (buf[10 + i] - Frame.OFFSET);
            }
            Frame frame = new Frame(address, buf[8] & 0xFF, data);
            drop(total);
            listener.frame(frame);
        }
    }

    /**
     * While the candidate at 0 waits for more bytes, a whole frame may already have arrived inside it (the candidate
     * was cut off, or its length byte was damaged): the start of such a frame that ends exactly at the last byte
     * received, else -1. Only looked for when that byte is {@code 16}.
     */
    private int innerFrame() {
        if ((buf[size - 1] & 0xFF) != Frame.END) {
            return -1;
        }
        for (int k = 1; k + Frame.OVERHEAD <= size; k++) {
            if ((buf[k] & 0xFF) == Frame.START && (buf[k + 7] & 0xFF) == Frame.START
                    && k + Frame.OVERHEAD + (buf[k + 9] & 0xFF) == size
                    && Frame.checksum(buf, k, size - k - 2) == (buf[size - 2] & 0xFF)) {
                return k;
            }
        }
        return -1;
    }

    private void refuse(Listener listener, Dlt645Exception.Reason reason, String message, int candidateLength) {
        byte[] bytes = copy(Math.min(candidateLength, size));
        drop(1);
        listener.refused(new Dlt645Exception(reason, message + " in " + HexFormat.ofDelimiter(" ").withUpperCase().formatHex(bytes)), bytes);
    }

    /** Drops {@code n} bytes from the front, then any bytes up to the next 68 (counted as discarded). */
    private void drop(int n) {
        int from = n;
        while (from < size && (buf[from] & 0xFF) != Frame.START) {
            if ((buf[from] & 0xFF) != Frame.PREAMBLE) {
                discarded++;
            }
            from++;
        }
        System.arraycopy(buf, from, buf, 0, size - from);
        size -= from;
    }

    private byte[] copy(int n) {
        byte[] b = new byte[n];
        System.arraycopy(buf, 0, b, 0, n);
        return b;
    }
}
