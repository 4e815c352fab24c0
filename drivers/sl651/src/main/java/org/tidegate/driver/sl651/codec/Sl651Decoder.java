package org.tidegate.driver.sl651.codec;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Incremental SL 651-2014 frame decoder for a receiver: feed it bytes as they arrive, in any split, and it hands
 * back each frame (with its report decoded) or a refusal with its reason. One decoder reads one {@link Encoding}:
 * bytes before a frame start ({@code 7E 7E} HEX, SOH {@code 01} ASCII) are skipped; after a refusal it looks for the
 * next frame from the byte after the refused frame's first byte, so a frame following a damaged or truncated one
 * is still received. A frame whose CRC is good but whose report is
 * not (bad BCD, an element overrunning the body) is refused as a whole and skipped.
 *
 * <p>The buffer never holds more than {@link Sl651Frame#MAX_FRAME} bytes. A frame cut short is only known to be
 * truncated when what follows does not fit (then it is refused as {@link Sl651Exception.Kind#TRUNCATED}) or when
 * the receiver calls {@link #flush()} at the end of input or after a silence on the line.
 *
 * <p>Not thread-safe; one decoder per connection.
 */
public final class Sl651Decoder {

    /** What the decoder produced. */
    public sealed interface Event permits Received, Refused {
    }

    /**
     * A frame with a good CRC; {@code report} is its decoded body for an uplink report function, else null.
     */
    public record Received(Sl651Frame frame, Report report) implements Event {
    }

    /** Bytes refused; {@code reason} says why, {@code bytes} are the refused frame's bytes (for a log line). */
    public record Refused(Sl651Exception reason, byte[] bytes) implements Event {
    }

    private final Encoding encoding;
    private final byte[] buf = new byte[Sl651Frame.MAX_FRAME];
    private int size;
    private long skipped;

    /** A HEX/BCD decoder. */
    public Sl651Decoder() {
        this(Encoding.HEX);
    }

    public Sl651Decoder(Encoding encoding) {
        this.encoding = java.util.Objects.requireNonNull(encoding);
    }

    public Encoding encoding() {
        return encoding;
    }

    /** Feeds one byte. */
    public List<Event> feed(byte b) {
        List<Event> out = new ArrayList<>(1);
        feed(b, out);
        return out;
    }

    public List<Event> feed(byte[] data, int off, int len) {
        List<Event> out = new ArrayList<>();
        for (int i = off; i < off + len; i++) {
            feed(data[i], out);
        }
        return out;
    }

    public List<Event> feed(byte[] data) {
        return feed(data, 0, data.length);
    }

    private void feed(byte b, List<Event> out) {
        buf[size++] = b;
        scan(out);
    }

    /**
     * End of input (or a silence on the line): refuses a frame still incomplete as truncated and looks for
     * frames in what was buffered after it; afterwards nothing is buffered.
     */
    public List<Event> flush() {
        List<Event> out = new ArrayList<>();
        while (size > 0) {
            if (size >= 2 || encoding == Encoding.ASCII && startsFrame(0)) {
                int need;
                try {
                    need = Sl651Frame.checkHeader(encoding, buf, 0, size);
                } catch (Sl651Exception e) {
                    need = -1;
                }
                out.add(new Refused(new Sl651Exception(Sl651Exception.Kind.TRUNCATED,
                        need < 0 ? size + " bytes of a header of " + Sl651Frame.headerLength(encoding)
                                : size + " bytes of a frame the length field makes " + need), Arrays.copyOf(buf, size)));
            } else {
                skipped++;
            }
            drop(1);
            scan(out);
        }
        return out;
    }

    private void scan(List<Event> out) {
        byte first = (byte) (encoding == Encoding.HEX ? 0x7E : Sl651Frame.SOH);
        while (size > 0) {
            if (buf[0] != first) {
                int i = 1;
                while (i < size && buf[i] != first) {
                    i++;
                }
                skipped += i;
                drop(i);
                continue;
            }
            if (encoding == Encoding.HEX && size >= 2 && buf[1] != 0x7E) {
                skipped++;
                drop(1);
                continue;
            }
            int need;
            try {
                need = Sl651Frame.checkHeader(encoding, buf, 0, size);
            } catch (Sl651Exception e) {
                out.add(new Refused(e, Arrays.copyOf(buf, size)));
                drop(1);
                continue;
            }
            if (need < 0 || size < need) {
                return;
            }
            Sl651Frame frame;
            try {
                frame = Sl651Frame.decode(encoding, buf, 0, need);
            } catch (Sl651Exception e) {
                out.add(new Refused(e.kind() == Sl651Exception.Kind.LENGTH || e.kind() == Sl651Exception.Kind.CRC ? truncatedHint(e, need) : e,
                        Arrays.copyOf(buf, need)));
                drop(1);
                continue;
            }
            byte[] bytes = Arrays.copyOf(buf, need);
            drop(need);
            if (frame.downlink() || !FunctionCode.isReport(frame.function())) {
                out.add(new Received(frame, null));
                continue;
            }
            try {
                out.add(new Received(frame, Report.decode(frame)));
            } catch (Sl651Exception e) {
                out.add(new Refused(e, bytes));
            }
        }
    }

    /**
     * A frame without its end byte (or whose CRC fails because a byte of the next frame took the end byte's place)
     * in which a new frame header starts was cut short, not mis-sized.
     */
    private Sl651Exception truncatedHint(Sl651Exception e, int need) {
        for (int k = encoding == Encoding.HEX ? 2 : 1; k + 1 < need; k++) {
            if (startsFrame(k)) {
                try {
                    Sl651Frame.checkHeader(encoding, buf, k, Math.min(Sl651Frame.headerLength(encoding), need - k));
                    return new Sl651Exception(Sl651Exception.Kind.TRUNCATED,
                            "a new frame starts at offset " + k + " of a frame the length field makes " + need);
                } catch (Sl651Exception notAHeader) {
                    // keep looking
                }
            }
        }
        return e;
    }

    /** Whether a frame of this decoder's encoding may start at {@code buf[k]}. */
    private boolean startsFrame(int k) {
        return encoding == Encoding.HEX ? k + 1 < size && buf[k] == 0x7E && buf[k + 1] == 0x7E : buf[k] == Sl651Frame.SOH;
    }

    private void drop(int n) {
        System.arraycopy(buf, n, buf, 0, size - n);
        size -= n;
    }

    /** Bytes buffered for a frame not yet complete (at most {@link Sl651Frame#MAX_FRAME}). */
    public int buffered() {
        return size;
    }

    /** Bytes skipped outside any frame since the decoder was made. */
    public long skipped() {
        return skipped;
    }
}
