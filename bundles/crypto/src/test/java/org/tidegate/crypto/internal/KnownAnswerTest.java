package org.tidegate.crypto.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.engines.SM4Engine;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.crypto.params.KeyParameter;
import org.junit.jupiter.api.Test;

/**
 * Known-answer tests with the published examples of the standards. Values copied from the project's
 * vector notes (tidegate shared/spec/vectors.md, each cross-checked there with OpenSSL 3.0, Bouncy Castle
 * 1.82 and sm-crypto); their origins:
 * <ul>
 * <li>SM3: GB/T 32905-2016 Appendix A, examples 1 and 2;</li>
 * <li>SM4: GB/T 32907-2016 Appendix A, examples 1 (one block) and 2 (1 000 000 encryptions);</li>
 * <li>SM4-GCM: RFC 8998 Appendix A.1;</li>
 * <li>SM2: GM/T 0003.5-2012 / GB/T 32918.5-2017 on the recommended curve sm2p256v1, the signature example
 *     (also OpenSSL's test/sm2_internal_test.c) and the encryption example with the same key and k.</li>
 * </ul>
 */
class KnownAnswerTest {
    private static final HexFormat HEX = HexFormat.of();

    private static byte[] hex(String s) {
        return HEX.parseHex(s.replace(" ", "").toLowerCase());
    }

    @Test
    void sm3Abc() {
        assertEquals("66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0",
                HEX.formatHex(Sm3.digest("abc".getBytes(StandardCharsets.US_ASCII))));
    }

    @Test
    void sm3SixtyFourBytes() {
        assertEquals("debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732",
                HEX.formatHex(Sm3.digest("abcd".repeat(16).getBytes(StandardCharsets.US_ASCII))));
    }

    @Test
    void sm4OneBlock() {
        byte[] key = hex("0123456789abcdeffedcba9876543210");
        SM4Engine sm4 = new SM4Engine();
        sm4.init(true, new KeyParameter(key));
        byte[] out = new byte[16];
        sm4.processBlock(key, 0, out, 0);
        assertEquals("681edf34d206965e86b3e94f536e4246", HEX.formatHex(out));
        SM4Engine back = new SM4Engine();
        back.init(false, new KeyParameter(key));
        byte[] plain = new byte[16];
        back.processBlock(out, 0, plain, 0);
        assertArrayEquals(key, plain);
    }

    @Test
    void sm4OneMillionEncryptions() {
        byte[] key = hex("0123456789abcdeffedcba9876543210");
        SM4Engine sm4 = new SM4Engine();
        sm4.init(true, new KeyParameter(key));
        byte[] block = key.clone();
        byte[] tmp = new byte[16];
        for (int i = 0; i < 1_000_000; i++) {
            sm4.processBlock(block, 0, tmp, 0);
            byte[] t = block;
            block = tmp;
            tmp = t;
        }
        assertEquals("595298c7c6fd271f0402f804c33d3f66", HEX.formatHex(block));
    }

    @Test
    void sm4GcmRfc8998() throws InvalidCipherTextException {
        byte[] key = hex("0123456789ABCDEFFEDCBA9876543210");
        byte[] iv = hex("00001234567800000000ABCD");
        byte[] aad = hex("FEEDFACEDEADBEEFFEEDFACEDEADBEEFABADDAD2");
        byte[] plain = hex("AAAAAAAAAAAAAAAABBBBBBBBBBBBBBBBCCCCCCCCCCCCCCCCDDDDDDDDDDDDDDDD"
                + "EEEEEEEEEEEEEEEEFFFFFFFFFFFFFFFFEEEEEEEEEEEEEEEEAAAAAAAAAAAAAAAA");
        byte[] expected = hex("17F399F08C67D5EE19D0DC9969C4BB7D5FD46FD3756489069157B282BB200735"
                + "D82710CA5C22F0CCFA7CBF93D496AC15A56834CBCF98C397B4024A2691233B8D"
                + "83DE3541E4C2B58177E065A9BF7B62EC");
        byte[] sealed = Sm4Gcm.encrypt(key, iv, aad, plain);
        assertArrayEquals(expected, sealed);
        assertArrayEquals(plain, Sm4Gcm.decrypt(key, iv, aad, 0, aad.length, sealed, 0, sealed.length));
        byte[] badAad = aad.clone();
        badAad[0] ^= 1;
        assertThrows(InvalidCipherTextException.class,
                () -> Sm4Gcm.decrypt(key, iv, badAad, 0, badAad.length, sealed, 0, sealed.length));
    }

    // GM/T 0003.5 signature example on sm2p256v1
    static final BigInteger D_A = new BigInteger("3945208F7B2144B13F36E38AC6D39F95889393692860B51A42FB81EF4DF7C5B8", 16);
    static final BigInteger X_A = new BigInteger("09F9DF311E5421A150DD7D161E4BC5C672179FAD1833FC076BB08FF356F35020", 16);
    static final BigInteger Y_A = new BigInteger("CCEA490CE26775A52DC6EA718CC1AA600AED05FBF35E084A6632F6072DA9AD13", 16);
    static final byte[] K = hex("59276E27D506861A16680F3AD9C02DCCEF3CC1FA3CDBE4CE6D54B80DEAC1BC21");
    static final BigInteger R = new BigInteger("F5A03B0648D2C4630EEAC513E1BB81A15944DA3827D5B74143AC7EACEEE720B3", 16);
    static final BigInteger S = new BigInteger("B1B6AA29DF212FD8763182BC0D421CA1BB9038FD1F7F42D4840B69C485BBC1AA", 16);
    static final byte[] MESSAGE = "message digest".getBytes(StandardCharsets.US_ASCII);

    private static ECPrivateKeyParameters privA() {
        return new ECPrivateKeyParameters(D_A, Sm2.DOMAIN);
    }

    private static ECPublicKeyParameters pubA() {
        return new ECPublicKeyParameters(Sm2.DOMAIN.getCurve().createPoint(X_A, Y_A), Sm2.DOMAIN);
    }

    @Test
    void sm2CurveIsTheRecommendedOne() {
        assertEquals(new BigInteger("FFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF00000000FFFFFFFFFFFFFFFF", 16),
                Sm2.DOMAIN.getCurve().getField().getCharacteristic());
        assertEquals(new BigInteger("28E9FA9E9D9F5E344D5A9E4BCF6509A7F39789F515AB8F92DDBCBD414D940E93", 16),
                Sm2.DOMAIN.getCurve().getB().toBigInteger());
        assertEquals(new BigInteger("FFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFF7203DF6B21C6052B53BBF40939D54123", 16),
                Sm2.DOMAIN.getN());
        assertEquals(new BigInteger("32C4AE2C1F1981195F9904466A39C9948FE30BBFF2660BE1715A4589334C74C7", 16),
                Sm2.DOMAIN.getG().getAffineXCoord().toBigInteger());
        assertEquals(Sm2.DOMAIN.getG().multiply(D_A).normalize(), pubA().getQ());
    }

    @Test
    void sm2ZaAndDigestOfTheExample() {
        ByteArrayOutputStream z = new ByteArrayOutputStream();
        z.writeBytes(hex("0080"));
        z.writeBytes(Sm2.DEFAULT_SIGNER_ID);
        for (BigInteger v : new BigInteger[] {Sm2.DOMAIN.getCurve().getA().toBigInteger(),
                Sm2.DOMAIN.getCurve().getB().toBigInteger(), Sm2.DOMAIN.getG().getAffineXCoord().toBigInteger(),
                Sm2.DOMAIN.getG().getAffineYCoord().toBigInteger(), X_A, Y_A}) {
            z.writeBytes(fixed32(v));
        }
        byte[] za = Sm3.digest(z.toByteArray());
        assertEquals("b2e14c5c79c6df5b85f4fe7ed8db7a262b9da7e07ccb0ea9f4747b8ccda8a4f3", HEX.formatHex(za));
        byte[] zm = Arrays.copyOf(za, 32 + MESSAGE.length);
        System.arraycopy(MESSAGE, 0, zm, 32, MESSAGE.length);
        assertEquals("f0b43e94ba45accaace692ed534382eb17e6ab5a19ce7b31f4486fdfc0d28640", HEX.formatHex(Sm3.digest(zm)));
    }

    @Test
    void sm2VerifiesTheExampleSignature() throws Exception {
        byte[] der = new org.bouncycastle.asn1.DERSequence(new org.bouncycastle.asn1.ASN1Encodable[] {
            new ASN1Integer(R), new ASN1Integer(S)}).getEncoded();
        assertTrue(Sm2.verify(pubA(), MESSAGE, 0, MESSAGE.length, der, 0, der.length));
        byte[] other = "message digesT".getBytes(StandardCharsets.US_ASCII);
        assertFalse(Sm2.verify(pubA(), other, 0, other.length, der, 0, der.length));
    }

    @Test
    void sm2ReproducesTheExampleSignatureWithItsK() {
        byte[] der = Sm2.sign(privA(), new FixedRandom(K), MESSAGE, 0, MESSAGE.length);
        ASN1Sequence seq = ASN1Sequence.getInstance(der);
        assertEquals(R, ASN1Integer.getInstance(seq.getObjectAt(0)).getValue());
        assertEquals(S, ASN1Integer.getInstance(seq.getObjectAt(1)).getValue());
    }

    @Test
    void sm2ReproducesTheEncryptionExample() throws InvalidCipherTextException {
        byte[] plain = "encryption standard".getBytes(StandardCharsets.US_ASCII);
        byte[] c = Sm2.encrypt(pubA(), new FixedRandom(K), plain);
        // vectors.md prints C1 as x1‖y1 (64 bytes; x1 happens to start with 04); on the wire C1 carries the
        // uncompressed-point prefix 0x04, hence the extra "04" in front
        String expected = ("04" + "04EBFC718E8D1798620432268E77FEB6415E2EDE0E073C0F4F640ECD2E149A73E858F9D81E5430A57B36DAAB8F950A3C64E6EE6A63094D99283AFF767E124DF0"
                + "59983C18F809E262923C53AEC295D30383B54E39D609D160AFCB1908D0BD8766"
                + "21886CA989CA9C7D58087307CA93092D651EFA").toLowerCase();
        assertEquals(expected, HEX.formatHex(c));
        assertArrayEquals(plain, Sm2.decrypt(privA(), c, 0, c.length));
        byte[] bad = c.clone();
        bad[70] ^= 1; // inside C3
        assertThrows(InvalidCipherTextException.class, () -> Sm2.decrypt(privA(), bad, 0, bad.length));
    }

    private static byte[] fixed32(BigInteger v) {
        byte[] b = v.toByteArray();
        byte[] out = new byte[32];
        System.arraycopy(b, Math.max(0, b.length - 32), out, Math.max(0, 32 - b.length), Math.min(32, b.length));
        return out;
    }

    /** A "random" source that yields the example's k: BC draws k as 32 bytes from nextBytes. */
    static final class FixedRandom extends SecureRandom {
        private static final long serialVersionUID = 1L;
        private final byte[] value;

        FixedRandom(byte[] value) {
            this.value = value.clone();
        }

        @Override
        public void nextBytes(byte[] bytes) {
            if (bytes.length != value.length) {
                throw new IllegalStateException("expected a request for " + value.length + " bytes, got " + bytes.length);
            }
            System.arraycopy(value, 0, bytes, 0, bytes.length);
        }
    }
}
