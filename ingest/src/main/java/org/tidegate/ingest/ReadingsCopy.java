package org.tidegate.ingest;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * Encodes readings in PostgreSQL's binary {@code COPY} format (header, one tuple per reading, trailer), so that a
 * batch's rows go in with one {@code COPY readings ... FROM STDIN (FORMAT binary)} inside the batch's transaction:
 * no text escaping, no parsing of timestamps on the server. The benchmark's plain-COPY peer uses the same encoder.
 */
public final class ReadingsCopy {
    /** The statement the encoded bytes are for. */
    public static final String SQL = "COPY readings (gateway, device, channel, sample_time, value_num, value_bool,"
            + " value_text, unit, quality, seq, received_at) FROM STDIN (FORMAT binary)";
    private static final byte[] SIGNATURE = {'P', 'G', 'C', 'O', 'P', 'Y', '\n', (byte) 0xFF, '\r', '\n', 0};
    /** 2000-01-01T00:00:00Z, PostgreSQL's timestamp epoch, in Unix ms. */
    private static final long PG_EPOCH_MS = 946_684_800_000L;
    private static final short FIELDS = 11;

    private final ByteArrayOutputStream buffer;
    private final DataOutputStream out;
    private int rows;

    public ReadingsCopy(int expectedRows) {
        buffer = new ByteArrayOutputStream(Math.max(64, expectedRows * 96));
        out = new DataOutputStream(buffer);
        try {
            out.write(SIGNATURE);
            out.writeInt(0); // flags
            out.writeInt(0); // header extension length
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One row; exactly one of {@code number}, {@code bool}, {@code text} non-null. */
    public void add(String gateway, String device, String channel, long sampleMillis, Double number, Boolean bool,
                    String text, String unit, String quality, long seq, long receivedMillis) {
        try {
            out.writeShort(FIELDS);
            text(gateway);
            text(device);
            text(channel);
            timestamp(sampleMillis);
            if (number == null) {
                out.writeInt(-1);
            } else {
                out.writeInt(8);
                out.writeDouble(number);
            }
            if (bool == null) {
                out.writeInt(-1);
            } else {
                out.writeInt(1);
                out.writeByte(bool ? 1 : 0);
            }
            if (text == null) {
                out.writeInt(-1);
            } else {
                text(text);
            }
            text(unit);
            text(quality);
            out.writeInt(8);
            out.writeLong(seq);
            timestamp(receivedMillis);
            rows++;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public int rows() {
        return rows;
    }

    /**
     * The bytes encoded so far, and a fresh buffer for what follows: for a long COPY written in pieces (then
     * {@link #finish()} gives the rest with the trailer).
     */
    public byte[] take() {
        try {
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        byte[] b = buffer.toByteArray();
        buffer.reset();
        return b;
    }

    /** The complete COPY stream (with the trailer), or what {@link #take()} left of it; call once. */
    public byte[] finish() {
        try {
            out.writeShort(-1);
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return buffer.toByteArray();
    }

    private void text(String s) throws IOException {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(b.length);
        out.write(b);
    }

    private void timestamp(long millis) throws IOException {
        out.writeInt(8);
        out.writeLong((millis - PG_EPOCH_MS) * 1000L);
    }
}
