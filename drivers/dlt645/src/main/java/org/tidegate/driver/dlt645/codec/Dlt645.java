package org.tidegate.driver.dlt645.codec;

import java.time.LocalDateTime;
import java.util.Locale;

/**
 * The master's requests and the checks of the meter's replies, per DL/T 645-2007 chapter 7: read data
 * ({@code 11} → {@code 91}/{@code B1}/{@code D1}), read address ({@code 13} → {@code 93}), broadcast time sync
 * ({@code 08}, no reply). Data identifiers are written as in the standard ({@code DI3 DI2 DI1 DI0}, e.g.
 * {@code 02030000}) and sent DI0 first.
 */
public final class Dlt645 {
    private Dlt645() {
    }

    /** Read data {@code dataIdentifier} from the meter at {@code address}. */
    public static Frame readRequest(MeterAddress address, int dataIdentifier) {
        return new Frame(address, Control.READ, identifierBytes(dataIdentifier));
    }

    /**
     * Read the follow-up frame {@code seq} (1, 2, ...) of {@code dataIdentifier}, after the meter said more
     * follow (DL/T 645-2007, 7.3.3: control {@code 12}, data DI0..DI3 then SEQ).
     */
    public static Frame followUpRequest(MeterAddress address, int dataIdentifier, int seq) {
        if (seq < 1 || seq > 0xFF) {
            throw new IllegalArgumentException("follow-up sequence " + seq + " outside 1-255");
        }
        byte[] d = new byte[5];
        System.arraycopy(identifierBytes(dataIdentifier), 0, d, 0, 4);
        d[4] = (byte) seq;
        return new Frame(address, Control.READ_FOLLOW_UP, d);
    }

    /** Read the communication address of the one meter on the line (wildcard address, no data). */
    public static Frame readAddressRequest() {
        return new Frame(MeterAddress.WILDCARD, Control.READ_ADDRESS, new byte[0]);
    }

    /** Broadcast time sync to {@code time} (data YYMMDDhhmmss, sent ss first); meters do not answer it. */
    public static Frame timeSync(LocalDateTime time) {
        int year = time.getYear();
        if (year < 2000 || year > 2099) {
            throw new IllegalArgumentException("year " + year + " cannot be sent as two BCD digits (2000-2099)");
        }
        int[] fields = {time.getSecond(), time.getMinute(), time.getHour(), time.getDayOfMonth(), time.getMonthValue(), year % 100};
        byte[] data = new byte[6];
        for (int i = 0; i < 6; i++) {
            data[i] = (byte) (((fields[i] / 10) << 4) | (fields[i] % 10));
        }
        return new Frame(MeterAddress.BROADCAST, Control.BROADCAST_TIME, data);
    }

    /** The time of a time-sync frame (the meter side). */
    public static LocalDateTime timeOf(Frame sync) throws Dlt645Exception {
        byte[] d = sync.data();
        if (sync.control() != Control.BROADCAST_TIME || d.length != 6) {
            throw new Dlt645Exception(Dlt645Exception.Reason.MALFORMED, "not a time sync frame: " + sync);
        }
        int[] f = new int[6];
        for (int i = 0; i < 6; i++) {
            int hi = (d[i] & 0xFF) >> 4;
            int lo = d[i] & 0x0F;
            if (hi > 9 || lo > 9) {
                throw new Dlt645Exception(Dlt645Exception.Reason.BCD, String.format("time byte %d is %02X, not BCD", i, d[i] & 0xFF));
            }
            f[i] = hi * 10 + lo;
        }
        try {
            return LocalDateTime.of(2000 + f[5], f[4], f[3], f[2], f[1], f[0]);
        } catch (java.time.DateTimeException e) {
            throw new Dlt645Exception(Dlt645Exception.Reason.MALFORMED, "time sync: " + e.getMessage());
        }
    }

    /**
     * Checks that {@code reply} answers {@code request} (a read {@code 11}, or a follow-up read {@code 12} whose
     * reply {@code 92}/{@code B2} ends with the same SEQ) and returns its value.
     *
     * @throws Dlt645Exception {@link Dlt645Exception.Reason#ERROR_REPLY} for a {@code D1} reply (with the decoded
     *                         error byte), {@code MISMATCH} for another meter or identifier, {@code LENGTH} or
     *                         {@code MALFORMED} for a reply of the wrong shape
     */
    public static ReadReply readReply(Frame request, Frame reply) throws Dlt645Exception {
        if (!request.address().matches(reply.address())) {
            throw new Dlt645Exception(Dlt645Exception.Reason.MISMATCH, "reply from meter " + reply.address() + " to a request for " + request.address());
        }
        boolean followUpRead = request.control() == Control.READ_FOLLOW_UP;
        int errorCode = followUpRead ? Control.READ_FOLLOW_UP_ERROR : Control.READ_ERROR;
        int last = followUpRead ? Control.READ_FOLLOW_UP_REPLY : Control.READ_REPLY;
        int more = followUpRead ? Control.READ_FOLLOW_UP_REPLY_MORE : Control.READ_REPLY_FOLLOW_UP;
        byte[] d = reply.data();
        int c = reply.control();
        if (c == errorCode) {
            if (d.length != 1) {
                throw new Dlt645Exception(Dlt645Exception.Reason.LENGTH, "error reply with " + d.length + " data bytes, expected 1");
            }
            var errors = MeterError.decode(d[0] & 0xFF);
            throw new Dlt645Exception(Dlt645Exception.Reason.ERROR_REPLY, errors,
                    String.format("meter %s refused the read (error %02X: %s)", reply.address(), d[0] & 0xFF, MeterError.describe(errors)));
        }
        if (c != last && c != more) {
            throw new Dlt645Exception(Dlt645Exception.Reason.MALFORMED,
                    String.format("control code %02X does not answer a %s", c, followUpRead ? "follow-up read (12)" : "read (11)"));
        }
        int trailer = followUpRead ? 1 : 0;
        if (d.length < 4 + trailer) {
            throw new Dlt645Exception(Dlt645Exception.Reason.LENGTH, "read reply with " + d.length + " data bytes, at least "
                    + (4 + trailer) + (followUpRead ? " (the identifier and SEQ)" : " (the identifier)"));
        }
        int di = identifier(d, 0);
        int asked = identifier(request.data(), 0);
        if (di != asked) {
            throw new Dlt645Exception(Dlt645Exception.Reason.MISMATCH, "reply for " + identifier(di) + " to a read of " + identifier(asked));
        }
        if (followUpRead && d[d.length - 1] != request.data()[4]) {
            throw new Dlt645Exception(Dlt645Exception.Reason.MISMATCH, String.format("follow-up reply with SEQ %d to a request for SEQ %d",
                    d[d.length - 1] & 0xFF, request.data()[4] & 0xFF));
        }
        byte[] value = new byte[d.length - 4 - trailer];
        System.arraycopy(d, 4, value, 0, value.length);
        return new ReadReply(di, value, c == more);
    }

    /** The meter address in a {@code 93} reply to read address. */
    public static MeterAddress readAddressReply(Frame reply) throws Dlt645Exception {
        if (reply.control() != Control.READ_ADDRESS_REPLY) {
            throw new Dlt645Exception(Dlt645Exception.Reason.MALFORMED, String.format("control code %02X does not answer read address", reply.control()));
        }
        byte[] d = reply.data();
        if (d.length != 6) {
            throw new Dlt645Exception(Dlt645Exception.Reason.LENGTH, "read address reply with " + d.length + " data bytes, expected 6");
        }
        MeterAddress a = MeterAddress.fromWire(d, 0);
        if (a.digits().contains("A")) {
            throw new Dlt645Exception(Dlt645Exception.Reason.BCD, "read address reply " + a + " holds a wildcard");
        }
        return a;
    }

    /** The 4 wire bytes of an identifier, DI0 first. */
    public static byte[] identifierBytes(int dataIdentifier) {
        return new byte[] {(byte) dataIdentifier, (byte) (dataIdentifier >> 8), (byte) (dataIdentifier >> 16), (byte) (dataIdentifier >>> 24)};
    }

    /** The identifier whose DI0 is at {@code off}. */
    public static int identifier(byte[] b, int off) {
        return (b[off] & 0xFF) | (b[off + 1] & 0xFF) << 8 | (b[off + 2] & 0xFF) << 16 | (b[off + 3] & 0xFF) << 24;
    }

    /** {@code 02030000}-style text. */
    public static String identifier(int dataIdentifier) {
        return String.format(Locale.ROOT, "%08X", dataIdentifier);
    }

    /**
     * Parses 8 hex digits, DI3 first as in the standard's tables.
     *
     * @throws IllegalArgumentException with the reason
     */
    public static int parseIdentifier(String s) {
        if (s == null || !s.matches("[0-9A-Fa-f]{8}")) {
            throw new IllegalArgumentException("data identifier \"" + s + "\" is not 8 hex digits like 02030000");
        }
        return Integer.parseUnsignedInt(s, 16);
    }
}
