package org.tidegate.ingest;

import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.Arrays;
import org.postgresql.copy.CopyIn;

/**
 * Encodes readings in PostgreSQL's binary {@code COPY} format (header, one tuple per reading, trailer), so that a
 * batch's rows go in with one {@code COPY readings ... FROM STDIN (FORMAT binary)} inside the batch's transaction:
 * no text escaping, no parsing of timestamps on the server. The benchmark's plain-COPY peer uses the same encoder.
 *
 * <p>Written for the ingest's hot path (about a tenth of its CPU per reading before): big-endian values straight
 * into one growing array, ASCII text copied char by char without a temporary byte array, and the encoded bytes
 * handed to the {@link CopyIn} in pieces of {@value #FLUSH_BYTES} bytes ({@link #add} then {@link #flushTo} as it
 * fills, {@link #finishTo} at the end) instead of one array holding the whole batch. Not thread-safe.
 */
public final class ReadingsCopy {
    /** The statement the encoded bytes are for. */
    public static final String SQL = "COPY readings (gateway, device, channel, sample_time, value_num, value_bool,"
            + " value_text, unit, quality, seq, received_at) FROM STDIN (FORMAT binary)";
    /** Encoded bytes held before {@link #flushTo} sends them ({@link #full()}). */
    public static final int FLUSH_BYTES = 64 * 1024;
    private static final byte[] SIGNATURE = {'P', 'G', 'C', 'O', 'P', 'Y', '\n', (byte) 0xFF, '\r', '\n', 0};
    /** 2000-01-01T00:00:00Z, PostgreSQL's timestamp epoch, in Unix ms. */
    private static final long PG_EPOCH_MS = 946_684_800_000L;
    private static final short FIELDS = 11;

    private byte[] buf;
    private int len;
    private int rows;

    public ReadingsCopy() {
        buf = new byte[FLUSH_BYTES + 8 * 1024];
        System.arraycopy(SIGNATURE, 0, buf, 0, SIGNATURE.length);
        len = SIGNATURE.length;
        int32(0); // flags
        int32(0); // header extension length
    }

    /** One row; exactly one of {@code number}, {@code bool}, {@code text} non-null, or none (a sample without value). */
    public void add(String gateway, String device, String channel, long sampleMillis, Double number, Boolean bool,
                    String text, String unit, String quality, long seq, long receivedMillis) {
        room(2 + 4 * FIELDS + 8 * 4 + 1);
        int16(FIELDS);
        text(gateway);
        text(device);
        text(channel);
        timestamp(sampleMillis);
        if (number == null) {
            int32(-1);
        } else {
            room(12);
            int32(8);
            int64(Double.doubleToRawLongBits(number));
        }
        if (bool == null) {
            int32(-1);
        } else {
            room(5);
            int32(1);
            buf[len++] = (byte) (bool ? 1 : 0);
        }
        if (text == null) {
            int32(-1);
        } else {
            text(text);
        }
        text(unit);
        text(quality);
        room(12);
        int32(8);
        int64(seq);
        timestamp(receivedMillis);
        rows++;
    }

    public int rows() {
        return rows;
    }

    /** True once {@value #FLUSH_BYTES} bytes are waiting: time for {@link #flushTo}. */
    public boolean full() {
        return len >= FLUSH_BYTES;
    }

    /** Sends what is encoded so far to {@code in} and starts over with an empty buffer (the header sent). */
    public void flushTo(CopyIn in) throws SQLException {
        if (len > 0) {
            in.writeToCopy(buf, 0, len);
            len = 0;
        }
    }

    /** Appends the trailer and sends the rest; the stream is complete (call {@link CopyIn#endCopy()} next). */
    public void finishTo(CopyIn in) throws SQLException {
        room(2);
        int16(-1);
        flushTo(in);
    }

    private void room(int n) {
        if (len + n > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + n));
        }
    }

    private void int16(int v) {
        buf[len++] = (byte) (v >>> 8);
        buf[len++] = (byte) v;
    }

    private void int32(int v) {
        buf[len++] = (byte) (v >>> 24);
        buf[len++] = (byte) (v >>> 16);
        buf[len++] = (byte) (v >>> 8);
        buf[len++] = (byte) v;
    }

    private void int64(long v) {
        int32((int) (v >>> 32));
        int32((int) v);
    }

    /** UTF-8 with its length; ASCII (ids, units, qualities: nearly everything) without a temporary array. */
    private void text(String s) {
        int n = s.length();
        room(4 + n);
        int start = len + 4;
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c >= 0x80) {
                byte[] b = s.getBytes(StandardCharsets.UTF_8);
                room(4 + b.length);
                int32(b.length);
                System.arraycopy(b, 0, buf, len, b.length);
                len += b.length;
                return;
            }
            buf[start + i] = (byte) c;
        }
        int32(n);
        len += n;
    }

    private void timestamp(long millis) {
        room(12);
        int32(8);
        int64((millis - PG_EPOCH_MS) * 1000L);
    }
}
