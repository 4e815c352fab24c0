package org.tidegate.core.body;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.tidegate.core.model.Quality;
import org.tidegate.core.model.Sample;

/**
 * The compact telemetry body (docs/envelope.md, "Compact telemetry body"): the same content as the JSON body
 * {@code {"gateway","device","samples":[{"ch","t","v","u","q"[,"e"]}]}} in binary. Each channel's name, unit and
 * value kind are written once per message in a table, the samples as rows of one timestamp each, with a
 * nibble per channel (quality, value present) and the values packed by kind (float32 in 4 bytes). Every message
 * still carries its own table, so any envelope can be opened alone; the sealer's deflate squeezes what repeats.
 *
 * <p>A body starts with the byte {@code 0xC7}, which UTF-8 JSON never starts with, so a receiver tells the two
 * forms apart by the first byte ({@link #isCompact}). Pure functions, thread-safe.
 */
public final class CompactTelemetry {
    /** First byte: not valid as the first byte of UTF-8 text (a continuation lead for 2-byte sequences only). */
    public static final int MAGIC_0 = 0xC7;
    /** Second byte: 'T'. */
    public static final int MAGIC_1 = 0x54;
    public static final int VERSION = 1;
    /** Bounds a decoder enforces (and the encoder keeps to: beyond them it answers null, use JSON). */
    public static final int MAX_CHANNELS = 65_535;
    public static final int MAX_SAMPLES = 1 << 20;
    public static final int MAX_STRING_BYTES = 255;

    static final int KIND_FLOAT32 = 0;
    static final int KIND_FLOAT64 = 1;
    static final int KIND_INTEGER = 2;
    static final int KIND_BOOLEAN = 3;
    static final int KIND_STRING = 4;
    private static final int KIND_NONE = -1;

    private static final int Q_ABSENT = 0;
    private static final int Q_GOOD = 1;
    private static final int Q_BAD = 2;
    private static final int Q_STALE = 3;
    private static final int HAS_VALUE = 4;

    private CompactTelemetry() {
    }

    /** What a compact body holds. */
    public record Body(String gateway, String device, List<Sample> samples) {
    }

    /** True if {@code body} is in the compact form (by its first two bytes). */
    public static boolean isCompact(byte[] body) {
        return body != null && body.length >= 3 && (body[0] & 0xFF) == MAGIC_0 && (body[1] & 0xFF) == MAGIC_1;
    }

    /**
     * Encodes the samples of one device. Non-finite numbers become bad samples with the detail
     * {@code value not finite: …}, as in the JSON form.
     *
     * @return the body, or null when these samples do not fit the compact form (a channel whose values mix
     *         kinds, a name or unit over 255 bytes, too many channels or samples): the caller writes JSON then
     */
    public static byte[] encode(String gateway, String device, List<Sample> samples) {
        Objects.requireNonNull(gateway, "gateway");
        Objects.requireNonNull(device, "device");
        if (samples.size() > MAX_SAMPLES) {
            return null;
        }
        byte[] gw = utf8(gateway);
        byte[] dev = utf8(device);
        if (gw.length > MAX_STRING_BYTES || dev.length > MAX_STRING_BYTES) {
            return null;
        }
        // The channel table in order of first appearance; one kind per channel.
        Map<String, Integer> index = new HashMap<>();
        List<String> names = new ArrayList<>();
        List<String> units = new ArrayList<>();
        List<Integer> kinds = new ArrayList<>();
        int[] channelOf = new int[samples.size()];
        for (int i = 0; i < samples.size(); i++) {
            Sample s = samples.get(i);
            Integer c = index.get(s.channel());
            if (c == null) {
                if (names.size() >= MAX_CHANNELS) {
                    return null;
                }
                c = names.size();
                index.put(s.channel(), c);
                names.add(s.channel());
                units.add(s.unit());
                kinds.add(KIND_NONE);
            } else if (!units.get(c).equals(s.unit())) {
                return null; // a unit that changes within one message: JSON carries it per sample
            }
            channelOf[i] = c;
            Object v = effectiveValue(s);
            if (v != null) {
                int k = kindOf(v);
                int had = kinds.get(c);
                if (had == KIND_NONE) {
                    kinds.set(c, k);
                } else if (had != k) {
                    if ((had == KIND_FLOAT32 && k == KIND_FLOAT64) || (had == KIND_FLOAT64 && k == KIND_FLOAT32)) {
                        kinds.set(c, KIND_FLOAT64);
                    } else {
                        return null;
                    }
                }
            }
        }
        Out out = new Out(64 + samples.size() * 5 + names.size() * 12);
        out.write(MAGIC_0);
        out.write(MAGIC_1);
        out.write(VERSION);
        out.string(gw);
        out.string(dev);
        out.varint(names.size());
        for (int c = 0; c < names.size(); c++) {
            byte[] n = utf8(names.get(c));
            byte[] u = utf8(units.get(c));
            if (n.length > MAX_STRING_BYTES || u.length > MAX_STRING_BYTES) {
                return null;
            }
            out.string(n);
            out.string(u);
            out.write(kinds.get(c) == KIND_NONE ? KIND_FLOAT32 : kinds.get(c));
        }
        // Rows: consecutive samples with one timestamp and no channel twice.
        List<int[]> rows = new ArrayList<>(); // [from, to) sample indexes
        int from = 0;
        boolean[] seen = new boolean[names.size()];
        for (int i = 0; i < samples.size(); i++) {
            if (i > from && (samples.get(i).timestamp() != samples.get(from).timestamp() || seen[channelOf[i]])) {
                rows.add(new int[] {from, i});
                for (int j = from; j < i; j++) {
                    seen[channelOf[j]] = false;
                }
                from = i;
            }
            seen[channelOf[i]] = true;
        }
        if (from < samples.size()) {
            rows.add(new int[] {from, samples.size()});
        }
        out.varint(rows.size());
        long t0 = samples.isEmpty() ? 0 : samples.get(0).timestamp();
        out.int64(t0);
        long previous = t0;
        int channels = names.size();
        int[] sampleAt = new int[channels];
        for (int[] row : rows) {
            long t = samples.get(row[0]).timestamp();
            out.varint(zigzag(t - previous));
            previous = t;
            java.util.Arrays.fill(sampleAt, -1);
            for (int i = row[0]; i < row[1]; i++) {
                sampleAt[channelOf[i]] = i;
            }
            byte[] nibbles = new byte[(channels + 1) / 2];
            int details = 0;
            for (int c = 0; c < channels; c++) {
                int i = sampleAt[c];
                if (i < 0) {
                    continue;
                }
                Sample s = samples.get(i);
                int code = quality(s) | (effectiveValue(s) != null ? HAS_VALUE : 0);
                nibbles[c / 2] |= (byte) (code << ((c % 2) * 4));
                if (!detail(s).isEmpty()) {
                    details++;
                }
            }
            out.write(nibbles, 0, nibbles.length);
            for (int c = 0; c < channels; c++) {
                int i = sampleAt[c];
                if (i < 0) {
                    continue;
                }
                Object v = effectiveValue(samples.get(i));
                if (v != null) {
                    out.value(kinds.get(c), v);
                }
            }
            out.varint(details);
            for (int c = 0; c < channels; c++) {
                int i = sampleAt[c];
                if (i >= 0 && !detail(samples.get(i)).isEmpty()) {
                    out.varint(c);
                    out.longString(utf8(detail(samples.get(i))));
                }
            }
        }
        return out.toByteArray();
    }

    /**
     * Decodes a compact body.
     *
     * @throws IllegalArgumentException saying what is wrong and at which byte offset (a truncated or damaged
     *                                  body, an unknown version or kind, a bound exceeded)
     */
    public static Body decode(byte[] body) {
        In in = new In(body);
        if (!isCompact(body)) {
            throw new IllegalArgumentException("not a compact telemetry body (first bytes are not C7 54)");
        }
        in.pos = 2;
        int version = in.u8();
        if (version != VERSION) {
            throw new IllegalArgumentException("compact telemetry body version " + version + " is not known (only "
                    + VERSION + ")");
        }
        String gateway = in.string();
        String device = in.string();
        int channels = in.boundedVarint(MAX_CHANNELS, "channel count");
        String[] names = new String[channels];
        String[] units = new String[channels];
        int[] kinds = new int[channels];
        for (int c = 0; c < channels; c++) {
            names[c] = in.string();
            units[c] = in.string();
            kinds[c] = in.u8();
            if (kinds[c] > KIND_STRING) {
                throw in.error("channel " + names[c] + " has the unknown value kind " + kinds[c]);
            }
        }
        int rows = in.boundedVarint(MAX_SAMPLES, "row count");
        long t = in.int64();
        List<Sample> samples = new ArrayList<>();
        int[] codes = new int[channels];
        for (int r = 0; r < rows; r++) {
            t += unzigzag(in.varint());
            int nibbleBytes = (channels + 1) / 2;
            for (int b = 0; b < nibbleBytes; b++) {
                int v = in.u8();
                codes[2 * b] = v & 0x0F;
                if (2 * b + 1 < channels) {
                    codes[2 * b + 1] = v >>> 4;
                } else if ((v >>> 4) != 0) {
                    throw in.error("padding nibble of row " + r + " is not zero");
                }
            }
            int first = samples.size();
            Object[] values = new Object[channels];
            for (int c = 0; c < channels; c++) {
                int q = codes[c] & 3;
                if (codes[c] > 7 || (q == Q_ABSENT && codes[c] != 0)) {
                    throw in.error("row " + r + " channel " + names[c] + " has the invalid code " + codes[c]);
                }
                if ((codes[c] & HAS_VALUE) != 0) {
                    values[c] = in.value(kinds[c]);
                }
            }
            String[] details = new String[channels];
            int d = in.boundedVarint(channels, "detail count");
            for (int i = 0; i < d; i++) {
                int c = in.boundedVarint(channels - 1, "detail channel");
                details[c] = in.longString();
            }
            for (int c = 0; c < channels; c++) {
                int q = codes[c] & 3;
                if (q == Q_ABSENT) {
                    continue;
                }
                if (samples.size() >= MAX_SAMPLES) {
                    throw in.error("more than " + MAX_SAMPLES + " samples");
                }
                Quality quality = q == Q_GOOD ? Quality.GOOD : q == Q_BAD ? Quality.BAD : Quality.STALE;
                samples.add(new Sample(device, names[c], t, values[c], units[c], quality,
                        details[c] == null ? "" : details[c]));
            }
            if (samples.size() == first) {
                throw in.error("row " + r + " holds no sample");
            }
        }
        if (in.pos != body.length) {
            throw in.error((body.length - in.pos) + " byte(s) after the last row");
        }
        return new Body(gateway, device, samples);
    }

    // ------------------------------------------------------------------ sample helpers

    /** The value as the body carries it: null for an absent or non-finite number (that sample is then bad). */
    private static Object effectiveValue(Sample s) {
        Object v = s.value();
        if (v instanceof Double d && !Double.isFinite(d) || v instanceof Float f && !Float.isFinite(f)) {
            return null;
        }
        return v;
    }

    private static boolean nonFinite(Sample s) {
        Object v = s.value();
        return v instanceof Double d && !Double.isFinite(d) || v instanceof Float f && !Float.isFinite(f);
    }

    private static int quality(Sample s) {
        if (nonFinite(s)) {
            return Q_BAD;
        }
        return switch (s.quality()) {
            case GOOD -> Q_GOOD;
            case BAD -> Q_BAD;
            case STALE -> Q_STALE;
        };
    }

    private static String detail(Sample s) {
        return nonFinite(s) ? "value not finite: " + s.value() : s.detail();
    }

    private static int kindOf(Object v) {
        if (v instanceof Boolean) {
            return KIND_BOOLEAN;
        }
        if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) {
            return KIND_INTEGER;
        }
        if (v instanceof Number n) {
            double d = n.doubleValue();
            return (double) (float) d == d ? KIND_FLOAT32 : KIND_FLOAT64;
        }
        return KIND_STRING;
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static long zigzag(long v) {
        return (v << 1) ^ (v >> 63);
    }

    private static long unzigzag(long v) {
        return (v >>> 1) ^ -(v & 1);
    }

    // ------------------------------------------------------------------ byte I/O

    private static final class Out extends ByteArrayOutputStream {
        Out(int size) {
            super(size);
        }

        void varint(long v) {
            while ((v & ~0x7FL) != 0) {
                write((int) ((v & 0x7F) | 0x80));
                v >>>= 7;
            }
            write((int) v);
        }

        void int64(long v) {
            for (int s = 56; s >= 0; s -= 8) {
                write((int) (v >>> s));
            }
        }

        void string(byte[] b) {
            write(b.length);
            write(b, 0, b.length);
        }

        void longString(byte[] b) {
            varint(b.length);
            write(b, 0, b.length);
        }

        void value(int kind, Object v) {
            switch (kind) {
                case KIND_FLOAT32 -> {
                    int bits = Float.floatToIntBits((float) ((Number) v).doubleValue());
                    write(bits >>> 24);
                    write(bits >>> 16);
                    write(bits >>> 8);
                    write(bits);
                }
                case KIND_FLOAT64 -> int64(Double.doubleToLongBits(((Number) v).doubleValue()));
                case KIND_INTEGER -> varint(zigzag(((Number) v).longValue()));
                case KIND_BOOLEAN -> write((Boolean) v ? 1 : 0);
                default -> longString(utf8(v.toString()));
            }
        }
    }

    private static final class In {
        final byte[] b;
        int pos;

        In(byte[] b) {
            this.b = b;
        }

        IllegalArgumentException error(String what) {
            return new IllegalArgumentException("compact telemetry body, byte " + pos + ": " + what);
        }

        int u8() {
            if (pos >= b.length) {
                throw error("truncated (" + b.length + " bytes)");
            }
            return b[pos++] & 0xFF;
        }

        long varint() {
            long v = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                int x = u8();
                v |= (long) (x & 0x7F) << shift;
                if ((x & 0x80) == 0) {
                    return v;
                }
            }
            throw error("varint longer than 10 bytes");
        }

        int boundedVarint(int max, String what) {
            long v = varint();
            if (v < 0 || v > max) {
                throw error(what + " " + Long.toUnsignedString(v) + " exceeds " + max);
            }
            return (int) v;
        }

        long int64() {
            long v = 0;
            for (int i = 0; i < 8; i++) {
                v = (v << 8) | u8();
            }
            return v;
        }

        private String utf8(int n) {
            if (n > b.length - pos) {
                throw error("a string of " + n + " bytes runs past the end");
            }
            String s = new String(b, pos, n, StandardCharsets.UTF_8);
            pos += n;
            return s;
        }

        String string() {
            return utf8(u8());
        }

        String longString() {
            return utf8(boundedVarint(b.length, "string length"));
        }

        Object value(int kind) {
            return switch (kind) {
                case KIND_FLOAT32 -> {
                    int bits = (u8() << 24) | (u8() << 16) | (u8() << 8) | u8();
                    yield (double) Float.intBitsToFloat(bits);
                }
                case KIND_FLOAT64 -> Double.longBitsToDouble(int64());
                case KIND_INTEGER -> unzigzag(varint());
                case KIND_BOOLEAN -> {
                    int v = u8();
                    if (v > 1) {
                        throw error("boolean " + v);
                    }
                    yield v == 1;
                }
                default -> longString();
            };
        }
    }
}
