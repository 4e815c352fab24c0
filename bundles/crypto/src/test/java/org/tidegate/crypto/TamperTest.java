package org.tidegate.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.tidegate.crypto.EnvelopeException.Reason.BAD_FRAME;
import static org.tidegate.crypto.EnvelopeException.Reason.BAD_SIGNATURE;
import static org.tidegate.crypto.EnvelopeException.Reason.BAD_TAG;
import static org.tidegate.crypto.EnvelopeException.Reason.UNKNOWN_SENDER;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.tidegate.crypto.EnvelopeException.Reason;

/**
 * Flips every single byte of real envelopes (XOR 0xFF, and XOR 0x01 for the smallest change) and asserts
 * the precise reason the opener gives, per field. The expected reasons follow docs/envelope.md,
 * "Which check catches a damaged byte". Keys and randomness are seeded, so the frames are the same on
 * every run.
 */
class TamperTest {
    static final String GW = "gw-zj-0001";

    /** Fields in order; lengths are computed from the frame exactly as the spec lays it out. */
    enum Field { MAGIC, VERSION, FLAGS, CONTENT_TYPE, PRIORITY, SEQUENCE, CREATED_AT, SENDER_LENGTH, SENDER,
        KEY_ID, WRAPPED_LENGTH, WRAPPED_KEY, NONCE, BODY_LENGTH, BODY, SIGNATURE_LENGTH, SIGNATURE }

    static Field[] layout(byte[] f) {
        Field[] at = new Field[f.length];
        int flags = f[3];
        int p = 0;
        p = mark(at, p, 2, Field.MAGIC);
        p = mark(at, p, 1, Field.VERSION);
        p = mark(at, p, 1, Field.FLAGS);
        p = mark(at, p, 1, Field.CONTENT_TYPE);
        p = mark(at, p, 1, Field.PRIORITY);
        p = mark(at, p, 8, Field.SEQUENCE);
        p = mark(at, p, 8, Field.CREATED_AT);
        int n = f[p];
        p = mark(at, p, 1, Field.SENDER_LENGTH);
        p = mark(at, p, n, Field.SENDER);
        if ((flags & 1) != 0) {
            p = mark(at, p, 4, Field.KEY_ID);
        }
        if ((flags & 4) != 0) {
            p = mark(at, p, 2, Field.WRAPPED_LENGTH);
            p = mark(at, p, 113, Field.WRAPPED_KEY);
        }
        if ((flags & 1) != 0) {
            p = mark(at, p, 12, Field.NONCE);
        }
        int l = ByteBuffer.wrap(f).getInt(p);
        p = mark(at, p, 4, Field.BODY_LENGTH);
        p = mark(at, p, l, Field.BODY);
        if ((flags & 2) != 0) {
            p = mark(at, p, 2, Field.SIGNATURE_LENGTH);
            p = mark(at, p, f.length - p, Field.SIGNATURE);
        }
        assertEquals(f.length, p);
        return at;
    }

    private static int mark(Field[] at, int p, int n, Field field) {
        for (int i = 0; i < n; i++) {
            at[p + i] = field;
        }
        return p + n;
    }

    /**
     * The expected reason for a frame with flags {@code flags} whose byte in {@code field} was XORed with
     * {@code mask}. {@code check} is what protects the fields that parse fine: BAD_SIGNATURE when signed
     * (the signature covers fields 1–15 and is checked before decrypting), else BAD_TAG when encrypted
     * (the GCM AAD is fields 1–14, the tag covers the body).
     */
    static Reason expected(Field field, int flags, int mask, int original) {
        boolean signed = (flags & Envelope.FLAG_SIGNED) != 0;
        boolean encrypted = (flags & Envelope.FLAG_ENCRYPTED) != 0;
        Reason check = signed ? BAD_SIGNATURE : BAD_TAG;
        return switch (field) {
            case MAGIC, VERSION, SENDER_LENGTH, WRAPPED_LENGTH, BODY_LENGTH, SIGNATURE_LENGTH -> BAD_FRAME;
            case FLAGS -> {
                int changed = (original ^ mask) & 0xff;
                // reserved bits, KEY_WRAPPED without ENCRYPTED, or a layout change that no longer fits the frame
                boolean onlyDeflated = (changed ^ original) == Envelope.FLAG_DEFLATED;
                yield onlyDeflated ? check : BAD_FRAME;
            }
            // 0x01 telemetry: ^0xFF → 0xFE and ^0x01 → 0x00 name no content type
            case CONTENT_TYPE -> BAD_FRAME;
            case PRIORITY -> ((original ^ mask) & 0xff) > 9 ? BAD_FRAME : check;
            case SENDER -> UNKNOWN_SENDER;
            case SEQUENCE, CREATED_AT, KEY_ID, NONCE, WRAPPED_KEY -> check;
            case BODY -> encrypted || signed ? check : null;
            case SIGNATURE -> BAD_SIGNATURE;
        };
    }

    void assertEveryFlipIsCaught(byte[] frame, EnvelopeOpener opener, byte[] body) throws Exception {
        assertArrayEquals(body, opener.open(frame).body(), "the untouched frame opens");
        Field[] at = layout(frame);
        Map<String, Integer> tally = new TreeMap<>();
        List<String> wrong = new ArrayList<>();
        for (int i = 0; i < frame.length; i++) {
            for (int mask : new int[] {0xFF, 0x01, 0x08}) {
                if (mask == 0x08 && at[i] != Field.FLAGS) {
                    continue;
                }
                byte[] t = frame.clone();
                t[i] ^= (byte) mask;
                Reason want = expected(at[i], frame[3], mask, frame[i] & 0xff);
                Reason got;
                try {
                    opener.open(t);
                    got = null;
                } catch (EnvelopeException e) {
                    got = e.reason();
                }
                tally.merge(at[i] + "→" + got, 1, Integer::sum);
                if (want != got) {
                    wrong.add(String.format("byte %d (%s) ^%02x: expected %s, got %s", i, at[i], mask, want, got));
                }
            }
        }
        if (!wrong.isEmpty()) {
            fail(wrong.size() + " flips gave the wrong reason:\n" + String.join("\n", wrong.subList(0, Math.min(40, wrong.size()))));
        }
        assertArrayEquals(body, opener.open(frame).body(), "the untouched frame still opens afterwards");
        assertTrue(tally.size() > 5, tally.toString());
    }

    EnvelopeSealer sealer(SealerOptions o, long seed) throws Exception {
        return new EnvelopeSealer(GW, TestKeys.GATEWAY.getPrivate(), TestKeys.CLOUD.getPublic(), o,
                new MutableClock(Instant.parse("2024-11-22T10:40:00Z")), TestKeys.seeded(seed));
    }

    EnvelopeOpener opener(boolean requireSignature) throws Exception {
        return EnvelopeOpener.builder(TestKeys.CLOUD.getPrivate(), TrustedSenders.of(GW, TestKeys.GATEWAY.getPublic()))
                .options(OpenerOptions.defaults().withRequireSignature(requireSignature)).build();
    }

    /** A forged sender id carrying a log line of its own and a terminal escape is refused and reported escaped. */
    @Test
    void aForgedSenderIdCannotWriteALineIntoTheLog() throws Exception {
        String forged = "evil\n15:02:00.000 ERROR FORGED \u001b[31mX\u2028";
        byte[] frame = new EnvelopeSealer(forged, TestKeys.GATEWAY.getPrivate(), TestKeys.CLOUD.getPublic(),
                SealerOptions.defaults()).seal(ContentType.TELEMETRY, 4, 79, EnvelopeRoundTripTest.telemetryBody(1));
        EnvelopeException e = org.junit.jupiter.api.Assertions.assertThrows(EnvelopeException.class,
                () -> opener(true).open(frame));
        assertEquals(UNKNOWN_SENDER, e.reason());
        assertEquals("evil\\u000a15:02:00.000 ERROR FORGED \\u001b[31mX\\u2028", e.sender());
        for (String shown : List.of(e.sender(), e.getMessage())) {
            assertTrue(shown.chars().noneMatch(c -> c < 0x20 || c == 0x7f || c == 0x2028), shown);
        }
    }

    @Test
    void signedEncryptedAndDeflated() throws Exception {
        byte[] body = EnvelopeRoundTripTest.telemetryBody(12);
        byte[] frame = sealer(SealerOptions.defaults(), 11).seal(ContentType.TELEMETRY, 4, 77, body);
        assertEquals(0x0F, frame[3]);
        assertEveryFlipIsCaught(frame, opener(true), body);
    }

    @Test
    void signedAndEncrypted() throws Exception {
        byte[] body = EnvelopeRoundTripTest.telemetryBody(1);
        byte[] frame = sealer(SealerOptions.defaults(), 12).seal(ContentType.TELEMETRY, 4, 78, body);
        assertEquals(0x07, frame[3]);
        assertEveryFlipIsCaught(frame, opener(true), body);
    }

    @Test
    void encryptedOnly() throws Exception {
        byte[] body = EnvelopeRoundTripTest.telemetryBody(1);
        byte[] frame = sealer(SealerOptions.defaults().withSign(false), 13).seal(ContentType.TELEMETRY, 4, 79, body);
        assertEquals(0x05, frame[3]);
        assertEveryFlipIsCaught(frame, opener(false), body);
    }

    @Test
    void signedOnly() throws Exception {
        byte[] body = EnvelopeRoundTripTest.telemetryBody(1);
        byte[] frame = sealer(SealerOptions.defaults().withEncrypt(false), 14).seal(ContentType.TELEMETRY, 4, 80, body);
        assertEquals(0x02, frame[3]);
        assertEveryFlipIsCaught(frame, opener(true), body);
    }
}
