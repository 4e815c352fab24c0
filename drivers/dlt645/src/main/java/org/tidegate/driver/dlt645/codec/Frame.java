package org.tidegate.driver.dlt645.codec;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * One DL/T 645-2007 frame (4.1): {@code 68 A0..A5 68 C L DATA CS 16}. {@code data} is the user data as the
 * application sees it, <em>without</em> the +0x33 the wire adds to every data byte.
 *
 * @param address the meter address (wire order handled by {@link MeterAddress})
 * @param control the control code, e.g. {@link Control#READ}
 * @param data    the user data, at most {@link #MAX_DATA} bytes
 */
public record Frame(MeterAddress address, int control, byte[] data) {

    /** Start and end bytes. */
    public static final int START = 0x68;
    public static final int END = 0x16;
    /** Wake-up preamble byte. */
    public static final int PREAMBLE = 0xFE;
    /** The offset added to every data byte on the wire. */
    public static final int OFFSET = 0x33;
    /** Longest data field (DL/T 645-2007, 4.4: L ≤ 200 for reads). */
    public static final int MAX_DATA = 200;
    /** Frame bytes besides the data: 68, 6 address bytes, 68, C, L, CS, 16. */
    public static final int OVERHEAD = 12;
    /** The preamble length this codec sends by default. */
    public static final int DEFAULT_PREAMBLE = 4;

    public Frame {
        if (address == null) {
            throw new IllegalArgumentException("address is required");
        }
        if (control < 0 || control > 0xFF) {
            throw new IllegalArgumentException("control code " + control + " out of range");
        }
        if (data.length > MAX_DATA) {
            throw new IllegalArgumentException("data of " + data.length + " bytes, at most " + MAX_DATA);
        }
        data = data.clone();
    }

    @Override
    public byte[] data() {
        return data.clone();
    }

    /** The frame on the wire, after {@code preamble} {@code FE} bytes. */
    public byte[] encode(int preamble) {
        if (preamble < 0 || preamble > 16) {
            throw new IllegalArgumentException("preamble of " + preamble + " bytes");
        }
        byte[] out = new byte[preamble + OVERHEAD + data.length];
        Arrays.fill(out, 0, preamble, (byte) PREAMBLE);
        int p = preamble;
        out[p] = START;
        System.arraycopy(address.toWire(), 0, out, p + 1, 6);
        out[p + 7] = START;
        out[p + 8] = (byte) control;
        out[p + 9] = (byte) data.length;
        for (int i = 0; i < data.length; i++) {
            out[p + 10 + i] = (byte) (data[i] + OFFSET);
        }
        out[p + 10 + data.length] = (byte) checksum(out, p, 10 + data.length);
        out[p + 11 + data.length] = END;
        return out;
    }

    /** The frame with the default preamble of {@value #DEFAULT_PREAMBLE} {@code FE}. */
    public byte[] encode() {
        return encode(DEFAULT_PREAMBLE);
    }

    /** Modulo-256 sum of {@code len} bytes from {@code off} (the checksum runs from the first 68 through the data). */
    public static int checksum(byte[] b, int off, int len) {
        int sum = 0;
        for (int i = off; i < off + len; i++) {
            sum += b[i] & 0xFF;
        }
        return sum & 0xFF;
    }

    /**
     * Decodes exactly one frame (any {@code FE} preamble allowed, nothing after the {@code 16}).
     *
     * @throws Dlt645Exception with the reason the frame is refused
     */
    public static Frame decode(byte[] wire) throws Dlt645Exception {
        FrameDecoder d = new FrameDecoder();
        Frame[] got = new Frame[1];
        Dlt645Exception[] refused = new Dlt645Exception[1];
        FrameDecoder.Listener l = new FrameDecoder.Listener() {
            @Override
            public void frame(Frame f) {
                if (got[0] == null && refused[0] == null) {
                    got[0] = f;
                }
            }

            @Override
            public void refused(Dlt645Exception e, byte[] bytes) {
                if (got[0] == null && refused[0] == null) {
                    refused[0] = e;
                }
            }
        };
        d.feed(wire, 0, wire.length, l);
        if (refused[0] != null) {
            throw refused[0];
        }
        if (got[0] == null) {
            d.endOfInput(l);
            if (refused[0] != null) {
                throw refused[0];
            }
            throw new Dlt645Exception(Dlt645Exception.Reason.MALFORMED, "no frame start (68) in " + wire.length + " bytes");
        }
        if (d.buffered() > 0 || d.discarded() > 0) {
            throw new Dlt645Exception(Dlt645Exception.Reason.LENGTH, "bytes other than the FE preamble and one frame");
        }
        return got[0];
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Frame f && address.equals(f.address) && control == f.control && Arrays.equals(data, f.data);
    }

    @Override
    public int hashCode() {
        return (address.hashCode() * 31 + control) * 31 + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return String.format("Frame[address=%s, control=%02X, data=%s]", address, control, HexFormat.of().withUpperCase().formatHex(data));
    }
}
