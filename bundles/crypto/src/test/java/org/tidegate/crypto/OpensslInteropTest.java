package org.tidegate.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.util.Arrays;
import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.DERSequence;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tidegate.core.testing.ExternalTools;
import org.tidegate.crypto.internal.Sm2;
import org.tidegate.crypto.internal.Sm4Gcm;

/**
 * Interoperability with OpenSSL 3.0, an implementation nobody here wrote: signatures both ways with the
 * exact command of the envelope spec, keys made by {@code openssl genpkey} as gateway identities, key files
 * read by {@code openssl pkey}, fingerprints, and the wrapped data key decrypted by OpenSSL.
 */
class OpensslInteropTest {
    static final String GW = "gw-zj-0001";
    @TempDir
    Path dir;

    @BeforeEach
    void needOpenssl() {
        Assumptions.assumeTrue(ExternalTools.usable("openssl"), "openssl not installed");
    }

    static byte[] frame(PrivateKey gatewayKey, PublicKey cloudKey, long seq) throws Exception {
        return new EnvelopeSealer(GW, gatewayKey, cloudKey, SealerOptions.defaults())
                .seal(ContentType.TELEMETRY, 4, seq, EnvelopeRoundTripTest.telemetryBody(3));
    }

    /** The check of the spec, verbatim: cut signed.bin and sig.der and run openssl pkeyutl -verify. */
    Proc.Result opensslVerify(byte[] frame, Path pubPem) throws Exception {
        Files.write(dir.resolve("signed.bin"), Envelope.signedPart(frame));
        Files.write(dir.resolve("sig.der"), Envelope.signature(frame));
        return Proc.run(dir, "openssl", "pkeyutl", "-verify", "-pubin", "-inkey", pubPem.toString(), "-rawin",
                "-in", "signed.bin", "-sigfile", "sig.der", "-digest", "sm3", "-pkeyopt", "distid:1234567812345678");
    }

    @Test
    void gatewaySignatureVerifiesWithTheSpecOpensslCommand() throws Exception {
        KeyPair gw = SmKeys.generate();
        Path pub = dir.resolve("gw.pub.pem");
        PemKeys.writePublicKey(pub, gw.getPublic(), false);
        byte[] f = frame(gw.getPrivate(), SmKeys.generate().getPublic(), 1);
        Proc.Result ok = opensslVerify(f, pub);
        assertEquals(0, ok.exitCode(), ok.output());
        assertTrue(ok.output().contains("Signature Verified Successfully"), ok.output());

        byte[] tampered = f.clone();
        tampered[10] ^= 1; // the sequence
        Proc.Result bad = opensslVerify(tampered, pub);
        assertNotEquals(0, bad.exitCode(), bad.output());
    }

    @Test
    void ourKeyFilesAreReadByOpensslPkey() throws Exception {
        KeyPair kp = SmKeys.generate();
        PemKeys.writePrivateKey(dir.resolve("k.key.pem"), kp.getPrivate(), false);
        PemKeys.writePublicKey(dir.resolve("k.pub.pem"), kp.getPublic(), false);
        String priv = Proc.ok(dir, "openssl", "pkey", "-in", "k.key.pem", "-noout", "-text");
        assertTrue(priv.contains("ASN1 OID: SM2"), priv);
        String pub = Proc.ok(dir, "openssl", "pkey", "-pubin", "-in", "k.pub.pem", "-noout", "-text");
        assertTrue(pub.contains("ASN1 OID: SM2"), pub);
        // the public half openssl derives from our private key file is byte for byte our public key file
        Proc.ok(dir, "openssl", "pkey", "-in", "k.key.pem", "-pubout", "-out", "derived.pub.pem");
        assertEquals(Files.readString(dir.resolve("k.pub.pem")), Files.readString(dir.resolve("derived.pub.pem")));
        assertEquals(opensslFingerprint("k.pub.pem"), SmKeys.fingerprint(kp.getPublic()));
    }

    String opensslFingerprint(String pubPem) throws Exception {
        Proc.ok(dir, "openssl", "pkey", "-pubin", "-in", pubPem, "-outform", "DER", "-out", pubPem + ".der");
        String out = Proc.ok(dir, "openssl", "dgst", "-sm3", "-r", pubPem + ".der");
        return out.trim().split("\\s+")[0];
    }

    @Test
    void keysMadeByOpensslGenpkeyWorkAsAGatewayIdentity() throws Exception {
        Path home = Files.createDirectories(dir.resolve("home"));
        Path keys = Files.createDirectories(home.resolve("keys"));
        Proc.ok(keys, "openssl", "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:SM2",
                "-out", "gateway.key.pem");
        Proc.ok(keys, "openssl", "pkey", "-in", "gateway.key.pem", "-pubout", "-out", "gateway.pub.pem");
        KeyPair cloud = SmKeys.generate();
        PemKeys.writePublicKey(keys.resolve("cloud.pub.pem"), cloud.getPublic(), false);
        Files.writeString(home.resolve("gateway.json"), "{\"id\":\"" + GW + "\"}");

        GatewayCrypto gw = GatewayCrypto.load(GatewayCrypto.settingsFromGatewayJson(home));
        PublicKey opensslPub = PemKeys.readPublicKey(keys.resolve("gateway.pub.pem"));
        assertEquals(opensslFingerprint("home/keys/gateway.pub.pem"), gw.fingerprint());
        byte[] body = "{\"hello\":\"from an openssl key\"}".getBytes(StandardCharsets.UTF_8);
        byte[] f = gw.sealer().seal(ContentType.STATUS, 3, 5, body);
        Opened o = EnvelopeOpener.builder(cloud.getPrivate(), TrustedSenders.of(GW, opensslPub)).build().open(f);
        assertArrayEquals(body, o.body());
        assertEquals(0, opensslVerify(f, keys.resolve("gateway.pub.pem")).exitCode());
    }

    @Test
    void otherOpensslKeyForms() throws Exception {
        Proc.ok(dir, "openssl", "genpkey", "-algorithm", "SM2", "-out", "sm2alg.pem");
        Proc.ok(dir, "openssl", "ecparam", "-name", "SM2", "-genkey", "-noout", "-out", "sec1.pem");
        Proc.ok(dir, "chmod", "600", "sm2alg.pem", "sec1.pem");
        // (OpenSSL 3.0 writes PKCS#8 here too: it cannot write a traditional SEC1 file for an SM2 key)
        for (String file : new String[] {"sm2alg.pem", "sec1.pem"}) {
            PrivateKey k = PemKeys.readPrivateKey(dir.resolve(file));
            Proc.ok(dir, "openssl", "pkey", "-in", file, "-pubout", "-out", file + ".pub");
            assertArrayEquals(SmKeys.spki(PemKeys.readPublicKey(dir.resolve(file + ".pub"))),
                    SmKeys.spki(SmKeys.publicKeyOf(k)), file);
        }
        // a P-256 key is refused with a clear message
        Proc.ok(dir, "openssl", "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", "p256.pem");
        Proc.ok(dir, "chmod", "600", "p256.pem");
        assertTrue(assertThrows(java.io.IOException.class, () -> PemKeys.readPrivateKey(dir.resolve("p256.pem")))
                .getMessage().contains("p256.pem"));
    }

    @Test
    void aSignatureMadeByOpensslOverAFrameOpensInOurOpener() throws Exception {
        Proc.ok(dir, "openssl", "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:SM2", "-out", "gw.key.pem");
        Proc.ok(dir, "openssl", "pkey", "-in", "gw.key.pem", "-pubout", "-out", "gw.pub.pem");
        PublicKey gwPub = PemKeys.readPublicKey(dir.resolve("gw.pub.pem"));
        KeyPair cloud = SmKeys.generate();
        // our sealer lays out and encrypts the frame; OpenSSL makes the signature over fields 1–15
        byte[] ours = frame(PemKeys.readPrivateKey(dir.resolve("gw.key.pem")), cloud.getPublic(), 9);
        byte[] signed = Envelope.signedPart(ours);
        Files.write(dir.resolve("signed.bin"), signed);
        EnvelopeOpener opener = EnvelopeOpener.builder(cloud.getPrivate(), TrustedSenders.of(GW, gwPub)).build();

        Proc.ok(dir, "openssl", "pkeyutl", "-sign", "-inkey", "gw.key.pem", "-rawin", "-in", "signed.bin",
                "-digest", "sm3", "-pkeyopt", "distid:1234567812345678", "-out", "sig.der");
        byte[] theirs = withSignature(signed, Files.readAllBytes(dir.resolve("sig.der")));
        assertArrayEquals(EnvelopeRoundTripTest.telemetryBody(3), opener.open(theirs).body());

        // OpenSSL's default (empty) signer ID is a different signature: refused, as the spec warns
        Proc.ok(dir, "openssl", "pkeyutl", "-sign", "-inkey", "gw.key.pem", "-rawin", "-in", "signed.bin",
                "-digest", "sm3", "-out", "sig-noid.der");
        byte[] noId = withSignature(signed, Files.readAllBytes(dir.resolve("sig-noid.der")));
        assertEquals(EnvelopeException.Reason.BAD_SIGNATURE,
                assertThrows(EnvelopeException.class, () -> opener.open(noId)).reason());
    }

    @Test
    void theWrappedDataKeyIsStandardSm2Encryption() throws Exception {
        KeyPair cloud = SmKeys.generate();
        PemKeys.writePrivateKey(dir.resolve("cloud.key.pem"), cloud.getPrivate(), false);
        PemKeys.writePublicKey(dir.resolve("cloud.pub.pem"), cloud.getPublic(), false);
        byte[] body = EnvelopeRoundTripTest.telemetryBody(1);
        byte[] f = new EnvelopeSealer(GW, SmKeys.generate().getPrivate(), cloud.getPublic(),
                SealerOptions.defaults().withDeflateMinBytes(0)).seal(ContentType.TELEMETRY, 4, 3, body);
        int p = 23 + f[22] + 4 + 2;
        byte[] wrapped = Arrays.copyOfRange(f, p, p + 113);
        // OpenSSL speaks the ASN.1 form SEQUENCE { x, y, C3, C2 }
        Files.write(dir.resolve("wk.der"), rawToAsn1(wrapped));
        Proc.ok(dir, "openssl", "pkeyutl", "-decrypt", "-inkey", "cloud.key.pem", "-in", "wk.der", "-out", "dk.bin");
        byte[] dataKey = Files.readAllBytes(dir.resolve("dk.bin"));
        assertEquals(16, dataKey.length);
        byte[] nonce = Arrays.copyOfRange(f, p + 113, p + 113 + 12);
        int bodyAt = p + 113 + 12;
        int len = ByteBuffer.wrap(f).getInt(bodyAt);
        byte[] plain = Sm4Gcm.decrypt(dataKey, nonce, f, 0, bodyAt + 4, f, bodyAt + 4, len);
        assertArrayEquals(body, plain);

        // and the other way: OpenSSL encrypts, we decrypt
        byte[] secret = new byte[16];
        new SecureRandom().nextBytes(secret);
        Files.write(dir.resolve("secret.bin"), secret);
        Proc.ok(dir, "openssl", "pkeyutl", "-encrypt", "-pubin", "-inkey", "cloud.pub.pem", "-in", "secret.bin",
                "-out", "secret.der");
        byte[] raw = asn1ToRaw(Files.readAllBytes(dir.resolve("secret.der")));
        assertArrayEquals(secret, Sm2.decrypt(Sm2.privateParameters(cloud.getPrivate()), raw, 0, raw.length));
    }

    static byte[] withSignature(byte[] signed, byte[] sig) {
        byte[] f = Arrays.copyOf(signed, signed.length + 2 + sig.length);
        ByteBuffer.wrap(f, signed.length, 2 + sig.length).putShort((short) sig.length).put(sig);
        return f;
    }

    static byte[] rawToAsn1(byte[] raw) throws Exception {
        ASN1EncodableVector v = new ASN1EncodableVector();
        v.add(new ASN1Integer(new BigInteger(1, Arrays.copyOfRange(raw, 1, 33))));
        v.add(new ASN1Integer(new BigInteger(1, Arrays.copyOfRange(raw, 33, 65))));
        v.add(new DEROctetString(Arrays.copyOfRange(raw, 65, 97)));
        v.add(new DEROctetString(Arrays.copyOfRange(raw, 97, raw.length)));
        return new DERSequence(v).getEncoded();
    }

    static byte[] asn1ToRaw(byte[] der) {
        ASN1Sequence s = ASN1Sequence.getInstance(der);
        byte[] x = fixed32(ASN1Integer.getInstance(s.getObjectAt(0)).getValue());
        byte[] y = fixed32(ASN1Integer.getInstance(s.getObjectAt(1)).getValue());
        byte[] c3 = ASN1OctetString.getInstance(s.getObjectAt(2)).getOctets();
        byte[] c2 = ASN1OctetString.getInstance(s.getObjectAt(3)).getOctets();
        ByteBuffer b = ByteBuffer.allocate(1 + 64 + c3.length + c2.length);
        return b.put((byte) 4).put(x).put(y).put(c3).put(c2).array();
    }

    static byte[] fixed32(BigInteger v) {
        byte[] b = v.toByteArray();
        byte[] out = new byte[32];
        System.arraycopy(b, Math.max(0, b.length - 32), out, Math.max(0, 32 - b.length), Math.min(32, b.length));
        return out;
    }
}
