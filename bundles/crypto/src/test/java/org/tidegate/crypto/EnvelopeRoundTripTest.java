package org.tidegate.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class EnvelopeRoundTripTest {
    static final String GW = "gw-zj-0001";
    static final Instant T0 = Instant.parse("2024-11-22T10:40:00.123Z");

    static EnvelopeSealer sealer(SealerOptions options, MutableClock clock) throws Exception {
        return new EnvelopeSealer(GW, TestKeys.GATEWAY.getPrivate(), TestKeys.CLOUD.getPublic(), options, clock,
                new SecureRandom());
    }

    static EnvelopeOpener.Builder cloudOpener() {
        return EnvelopeOpener.builder(TestKeys.CLOUD.getPrivate(), TrustedSenders.of(GW, TestKeys.GATEWAY.getPublic()));
    }

    static byte[] telemetryBody(int samples) {
        StringBuilder sb = new StringBuilder("{\"gateway\":\"gw-zj-0001\",\"device\":\"wl-001\",\"samples\":[");
        for (int i = 0; i < samples; i++) {
            sb.append(i == 0 ? "" : ",").append("{\"ch\":\"level\",\"t\":").append(1732272000123L + i * 1000L)
                    .append(",\"v\":").append(2.37 + i / 100.0).append(",\"u\":\"m\",\"q\":\"good\"}");
        }
        return sb.append("]}").toString().getBytes(StandardCharsets.UTF_8);
    }

    @ParameterizedTest
    @EnumSource(ContentType.class)
    void everyContentTypeRoundTrips(ContentType type) throws Exception {
        MutableClock clock = new MutableClock(T0);
        EnvelopeSealer s = sealer(SealerOptions.defaults(), clock);
        byte[] body = telemetryBody(3);
        byte[] frame = s.seal(type, 7, 42, body);
        Opened o = cloudOpener().clock(clock).build().open(frame);
        assertEquals(GW, o.sender());
        assertEquals(type, o.contentType());
        assertEquals(7, o.priority());
        assertEquals(42, o.sequence());
        assertEquals(T0.toEpochMilli(), o.createdAtMillis());
        assertTrue(o.encrypted());
        assertTrue(o.signed());
        assertArrayEquals(body, o.body());
        assertEquals(Envelope.FLAG_ENCRYPTED | Envelope.FLAG_SIGNED | Envelope.FLAG_KEY_WRAPPED, o.flags());
    }

    @Test
    void frameLayoutFollowsTheSpec() throws Exception {
        MutableClock clock = new MutableClock(T0);
        EnvelopeSealer s = sealer(SealerOptions.defaults().withDeflateMinBytes(0), clock);
        byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
        byte[] f = s.seal(ContentType.ALARM, 9, 0x0102030405060708L, body);
        ByteBuffer b = ByteBuffer.wrap(f);
        assertEquals(0x54, f[0]);
        assertEquals(0x47, f[1]);
        assertEquals(1, f[2]);
        assertEquals(0x07, f[3]);
        assertEquals(0x02, f[4]);
        assertEquals(9, f[5]);
        assertEquals(0x0102030405060708L, b.getLong(6));
        assertEquals(T0.toEpochMilli(), b.getLong(14));
        assertEquals(GW.length(), f[22]);
        assertEquals(GW, new String(f, 23, GW.length(), StandardCharsets.UTF_8));
        int p = 23 + GW.length();
        assertEquals(s.currentKeyId(), b.getInt(p));
        assertEquals(113, b.getShort(p + 4));
        assertEquals(0x04, f[p + 6]); // C1 uncompressed
        int nonce = p + 6 + 113;
        // reference nonce construction: 4 random bytes, then the sequence
        assertEquals(0x0102030405060708L, b.getLong(nonce + 4));
        int bodyLen = b.getInt(nonce + 12);
        assertEquals(body.length + 16, bodyLen);
        int sigLenAt = nonce + 16 + bodyLen;
        int sigLen = b.getShort(sigLenAt) & 0xffff;
        assertEquals(f.length, sigLenAt + 2 + sigLen);
        assertEquals(0x30, f[sigLenAt + 2]); // DER SEQUENCE
        assertArrayEquals(Arrays.copyOf(f, sigLenAt), Envelope.signedPart(f));
        assertArrayEquals(Arrays.copyOfRange(f, sigLenAt + 2, f.length), Envelope.signature(f));
        EnvelopeHeader h = Envelope.peek(f);
        assertEquals(new EnvelopeHeader(GW, ContentType.ALARM, 9, 0x0102030405060708L, T0.toEpochMilli(), 0x07), h);
    }

    @Test
    void largeBodiesAreDeflatedAndSmallOnesAreNot() throws Exception {
        MutableClock clock = new MutableClock(T0);
        EnvelopeSealer s = sealer(SealerOptions.defaults(), clock);
        EnvelopeOpener opener = cloudOpener().build();
        byte[] big = telemetryBody(200);
        byte[] f = s.seal(ContentType.TELEMETRY, 4, 1, big);
        assertTrue(f.length < big.length / 2, "deflated frame " + f.length + " vs body " + big.length);
        Opened o = opener.open(f);
        assertTrue(o.deflated());
        assertArrayEquals(big, o.body());
        byte[] small = telemetryBody(1);
        assertTrue(small.length < 256);
        Opened o2 = opener.open(s.seal(ContentType.TELEMETRY, 4, 2, small));
        assertFalse(o2.deflated());
        assertArrayEquals(small, o2.body());
        // incompressible bodies above the threshold are sent as they are
        byte[] noise = new byte[4096];
        new SecureRandom().nextBytes(noise);
        Opened o3 = opener.open(s.seal(ContentType.TELEMETRY, 4, 3, noise));
        assertFalse(o3.deflated());
        assertArrayEquals(noise, o3.body());
    }

    @Test
    void emptyAndMegabyteBodies() throws Exception {
        EnvelopeSealer s = sealer(SealerOptions.defaults(), new MutableClock(T0));
        EnvelopeOpener opener = cloudOpener().build();
        assertArrayEquals(new byte[0], opener.open(s.seal(ContentType.STATUS, 0, 1, new byte[0])).body());
        byte[] mb = new byte[1 << 20];
        new SecureRandom().nextBytes(mb);
        assertArrayEquals(mb, opener.open(s.seal(ContentType.STATUS, 0, 2, mb)).body());
    }

    @Test
    void signOnlyEncryptOnlyAndNeither() throws Exception {
        byte[] body = telemetryBody(2);
        MutableClock clock = new MutableClock(T0);
        byte[] signOnly = sealer(SealerOptions.defaults().withEncrypt(false), clock).seal(ContentType.TELEMETRY, 4, 1, body);
        assertEquals(Envelope.FLAG_SIGNED, signOnly[3]);
        // the body travels in clear
        assertTrue(new String(signOnly, StandardCharsets.UTF_8).contains("wl-001"));
        assertArrayEquals(body, cloudOpener().build().open(signOnly).body());
        // a receiver without a private key can still check sign-only frames
        assertArrayEquals(body, EnvelopeOpener.builder(null, TrustedSenders.of(GW, TestKeys.GATEWAY.getPublic()))
                .build().open(signOnly).body());

        byte[] encryptOnly = sealer(SealerOptions.defaults().withSign(false), clock).seal(ContentType.TELEMETRY, 4, 2, body);
        assertEquals(Envelope.FLAG_ENCRYPTED | Envelope.FLAG_KEY_WRAPPED, encryptOnly[3]);
        EnvelopeException e = assertThrows(EnvelopeException.class, () -> cloudOpener().build().open(encryptOnly));
        assertEquals(EnvelopeException.Reason.BAD_SIGNATURE, e.reason());
        EnvelopeOpener lenient = cloudOpener().options(OpenerOptions.defaults().withRequireSignature(false)).build();
        assertArrayEquals(body, lenient.open(encryptOnly).body());

        byte[] neither = new EnvelopeSealer(GW, null, null, SealerOptions.defaults().withSign(false).withEncrypt(false))
                .seal(ContentType.TELEMETRY, 4, 3, body);
        assertEquals(0, neither[3]);
        assertArrayEquals(body, lenient.open(neither).body());
        assertNull(Envelope.signature(neither));
    }

    @Test
    void dataKeyIsWrappedOnceAndRotatesByCount() throws Exception {
        MutableClock clock = new MutableClock(T0);
        EnvelopeSealer s = sealer(SealerOptions.defaults().withRotation(Duration.ofHours(24), 3), clock);
        EnvelopeOpener opener = cloudOpener().build();
        List<byte[]> frames = new ArrayList<>();
        for (int i = 1; i <= 7; i++) {
            frames.add(s.seal(ContentType.TELEMETRY, 4, i, ("m" + i).getBytes(StandardCharsets.UTF_8)));
        }
        for (byte[] f : frames) {
            opener.open(f);
        }
        assertEquals(3, s.keysMade());
        // frames 1-3 share key id and the very same 113 wrapped bytes, frame 4 has new ones
        assertEquals(keyId(frames.get(0)), keyId(frames.get(2)));
        assertArrayEquals(wrapped(frames.get(0)), wrapped(frames.get(2)));
        assertNotEquals(keyId(frames.get(2)), keyId(frames.get(3)));
        assertFalse(Arrays.equals(wrapped(frames.get(2)), wrapped(frames.get(3))));
        assertEquals(keyId(frames.get(3)), keyId(frames.get(5)));
        assertNotEquals(keyId(frames.get(5)), keyId(frames.get(6)));
    }

    @Test
    void dataKeyRotatesByAgeAndPerInstance() throws Exception {
        MutableClock clock = new MutableClock(T0);
        EnvelopeSealer s = sealer(SealerOptions.defaults(), clock);
        byte[] a = s.seal(ContentType.TELEMETRY, 4, 1, new byte[1]);
        clock.advance(Duration.ofHours(23).plusMinutes(59));
        byte[] b = s.seal(ContentType.TELEMETRY, 4, 2, new byte[1]);
        clock.advance(Duration.ofMinutes(1));
        byte[] c = s.seal(ContentType.TELEMETRY, 4, 3, new byte[1]);
        assertEquals(keyId(a), keyId(b));
        assertNotEquals(keyId(b), keyId(c));
        // a new sealer (a process restart) never reuses a key
        byte[] d = sealer(SealerOptions.defaults(), clock).seal(ContentType.TELEMETRY, 4, 4, new byte[1]);
        assertNotEquals(keyId(c), keyId(d));
        assertFalse(Arrays.equals(wrapped(c), wrapped(d)));
        assertFalse(Arrays.equals(Arrays.copyOf(nonce(c), 4), Arrays.copyOf(nonce(d), 4)));
    }

    @Test
    void aSequenceThatDoesNotIncreaseGetsAFreshKeySoNoNonceRepeats() throws Exception {
        EnvelopeSealer s = sealer(SealerOptions.defaults(), new MutableClock(T0));
        byte[] a = s.seal(ContentType.TELEMETRY, 4, 10, new byte[1]);
        byte[] b = s.seal(ContentType.TELEMETRY, 4, 10, new byte[1]);
        byte[] c = s.seal(ContentType.TELEMETRY, 4, 9, new byte[1]);
        assertNotEquals(keyId(a), keyId(b));
        assertNotEquals(keyId(b), keyId(c));
    }

    @Test
    void concurrentSealingNeverRepeatsANonceUnderAKey() throws Exception {
        EnvelopeSealer s = sealer(SealerOptions.defaults().withRotation(Duration.ofHours(1), 50), new MutableClock(T0));
        EnvelopeOpener opener = cloudOpener().duplicateFilter(new DuplicateFilter()).build();
        AtomicLong seq = new AtomicLong();
        ConcurrentLinkedQueue<byte[]> frames = new ConcurrentLinkedQueue<>();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> fs = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                fs.add(pool.submit(() -> {
                    for (int i = 0; i < 100; i++) {
                        frames.add(s.seal(ContentType.TELEMETRY, 4, seq.incrementAndGet(), telemetryBody(1)));
                    }
                    return null;
                }));
            }
            for (Future<?> f : fs) {
                f.get(120, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        Set<String> keyAndNonce = new HashSet<>();
        Set<Long> seqs = new HashSet<>();
        for (byte[] f : frames) {
            Opened o = opener.open(f);
            assertTrue(seqs.add(o.sequence()));
            assertTrue(keyAndNonce.add(keyId(f) + ":" + Arrays.toString(nonce(f))), "nonce repeated under a key");
        }
        assertEquals(400, seqs.size());
    }

    @Test
    void refusesUnknownSenderWrongRecipientAndForgedSignature() throws Exception {
        MutableClock clock = new MutableClock(T0);
        byte[] frame = sealer(SealerOptions.defaults(), clock).seal(ContentType.TELEMETRY, 4, 1, telemetryBody(1));
        EnvelopeException unknown = assertThrows(EnvelopeException.class, () -> EnvelopeOpener
                .builder(TestKeys.CLOUD.getPrivate(), TrustedSenders.of("gw-other", TestKeys.GATEWAY.getPublic()))
                .build().open(frame));
        assertEquals(EnvelopeException.Reason.UNKNOWN_SENDER, unknown.reason());
        assertEquals(GW, unknown.sender());

        EnvelopeException wrongRecipient = assertThrows(EnvelopeException.class, () -> EnvelopeOpener
                .builder(TestKeys.STRANGER.getPrivate(), TrustedSenders.of(GW, TestKeys.GATEWAY.getPublic()))
                .build().open(frame));
        assertEquals(EnvelopeException.Reason.BAD_TAG, wrongRecipient.reason());

        // somebody else's key claiming to be the gateway
        byte[] forged = new EnvelopeSealer(GW, TestKeys.STRANGER.getPrivate(), TestKeys.CLOUD.getPublic(),
                SealerOptions.defaults()).seal(ContentType.TELEMETRY, 4, 2, telemetryBody(1));
        EnvelopeException bad = assertThrows(EnvelopeException.class, () -> cloudOpener().build().open(forged));
        assertEquals(EnvelopeException.Reason.BAD_SIGNATURE, bad.reason());
    }

    @Test
    void repeatsAreDuplicatesAndATamperedCopyDoesNotPoisonTheFilter() throws Exception {
        EnvelopeSealer s = sealer(SealerOptions.defaults(), new MutableClock(T0));
        EnvelopeOpener opener = cloudOpener().duplicateFilter(new DuplicateFilter()).build();
        byte[] f1 = s.seal(ContentType.TELEMETRY, 4, 1, telemetryBody(1));
        byte[] f2 = s.seal(ContentType.ALARM, 9, 2, telemetryBody(1));
        byte[] tampered = f1.clone();
        tampered[tampered.length - 40] ^= 0x10;
        assertEquals(EnvelopeException.Reason.BAD_SIGNATURE,
                assertThrows(EnvelopeException.class, () -> opener.open(tampered)).reason());
        // out of order is fine
        opener.open(f2);
        opener.open(f1);
        assertEquals(EnvelopeException.Reason.DUPLICATE, assertThrows(EnvelopeException.class, () -> opener.open(f1)).reason());
        assertEquals(EnvelopeException.Reason.DUPLICATE, assertThrows(EnvelopeException.class, () -> opener.open(f2)).reason());
    }

    @Test
    void malformedInputIsABadFrame() {
        EnvelopeOpener opener;
        try {
            opener = cloudOpener().build();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        for (byte[] junk : new byte[][] {new byte[0], new byte[5], "TG".getBytes(StandardCharsets.US_ASCII),
                new byte[200], "{\"not\":\"an envelope\"}".getBytes(StandardCharsets.UTF_8)}) {
            EnvelopeException e = assertThrows(EnvelopeException.class, () -> opener.open(junk));
            assertEquals(EnvelopeException.Reason.BAD_FRAME, e.reason());
        }
        assertThrows(EnvelopeException.class, () -> opener.open(null));
    }

    @Test
    void inflatingIsBoundedAndCorruptStreamsAreBadFrames() throws Exception {
        EnvelopeSealer plain = new EnvelopeSealer(GW, TestKeys.GATEWAY.getPrivate(), TestKeys.CLOUD.getPublic(),
                SealerOptions.defaults());
        byte[] zeros = new byte[100_000];
        byte[] bomb = plain.seal(ContentType.TELEMETRY, 4, 1, zeros);
        assertTrue(bomb.length < 1000, "100 kB of zeros deflate to " + bomb.length + " bytes");
        EnvelopeOpener small = cloudOpener().options(OpenerOptions.defaults().withMaxBodyBytes(50_000)).build();
        assertEquals(EnvelopeException.Reason.BAD_FRAME,
                assertThrows(EnvelopeException.class, () -> small.open(bomb)).reason());
        assertArrayEquals(zeros, cloudOpener().build().open(bomb).body());

        // an unprotected frame claiming DEFLATED over a body that is not a deflate stream
        byte[] f = new EnvelopeSealer(GW, null, null, SealerOptions.defaults().withSign(false).withEncrypt(false))
                .seal(ContentType.TELEMETRY, 4, 2, new byte[] {(byte) 0xff, (byte) 0xff, 0x00, 0x11});
        f[3] |= Envelope.FLAG_DEFLATED;
        EnvelopeOpener lenient = cloudOpener().options(OpenerOptions.defaults().withRequireSignature(false)).build();
        assertEquals(EnvelopeException.Reason.BAD_FRAME,
                assertThrows(EnvelopeException.class, () -> lenient.open(f)).reason());
    }

    @Test
    void sealerRejectsBadArguments() throws Exception {
        EnvelopeSealer s = sealer(SealerOptions.defaults(), new MutableClock(T0));
        assertThrows(IllegalArgumentException.class, () -> s.seal(ContentType.TELEMETRY, 10, 1, new byte[0]));
        assertThrows(IllegalArgumentException.class, () -> s.seal(ContentType.TELEMETRY, -1, 1, new byte[0]));
        assertThrows(IllegalArgumentException.class, () -> new EnvelopeSealer("x".repeat(65),
                TestKeys.GATEWAY.getPrivate(), TestKeys.CLOUD.getPublic(), SealerOptions.defaults()));
        assertThrows(NullPointerException.class, () -> new EnvelopeSealer(GW, null, TestKeys.CLOUD.getPublic(),
                SealerOptions.defaults()));
    }

    static int keyId(byte[] f) {
        return ByteBuffer.wrap(f).getInt(23 + f[22]);
    }

    static byte[] wrapped(byte[] f) {
        int p = 23 + f[22] + 4 + 2;
        return Arrays.copyOfRange(f, p, p + 113);
    }

    static byte[] nonce(byte[] f) {
        int p = 23 + f[22] + 4 + 2 + 113;
        return Arrays.copyOfRange(f, p, p + 12);
    }
}
