package org.tidegate.crypto;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.util.HexFormat;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.DERBitString;
import org.bouncycastle.asn1.gm.GMObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.crypto.generators.ECKeyPairGenerator;
import org.bouncycastle.crypto.params.ECKeyGenerationParameters;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.math.ec.ECPoint;
import org.tidegate.crypto.internal.Bc;
import org.tidegate.crypto.internal.Sm2;
import org.tidegate.crypto.internal.Sm3;

/**
 * SM2 key pairs on sm2p256v1 (OID 1.2.156.10197.1.301), their canonical encodings and fingerprints.
 * Keys are Bouncy Castle JCA keys ({@code java.security.interfaces.ECPrivateKey}/{@code ECPublicKey}).
 */
public final class SmKeys {
    /** id-ecPublicKey with the named curve sm2p256v1: what both Bouncy Castle and OpenSSL 3.0 write. */
    private static final AlgorithmIdentifier SM2_ALGORITHM =
            new AlgorithmIdentifier(X9ObjectIdentifiers.id_ecPublicKey, GMObjectIdentifiers.sm2p256v1);

    private SmKeys() {
    }

    public static KeyPair generate() {
        return generate(new SecureRandom());
    }

    public static KeyPair generate(SecureRandom random) {
        ECKeyPairGenerator g = new ECKeyPairGenerator();
        g.init(new ECKeyGenerationParameters(Sm2.DOMAIN, random));
        ECPrivateKeyParameters d = (ECPrivateKeyParameters) g.generateKeyPair().getPrivate();
        PrivateKey key = privateKey(d);
        try {
            return new KeyPair(publicKeyOf(key), key);
        } catch (InvalidKeyException e) {
            throw new IllegalStateException("SM2 key generation failed", e);
        }
    }

    /** The private key with scalar {@code d}. */
    public static PrivateKey privateKey(BigInteger d) {
        return privateKey(new ECPrivateKeyParameters(d, Sm2.DOMAIN));
    }

    /** The public key (x, y). */
    public static PublicKey publicKey(BigInteger x, BigInteger y) {
        return publicKey(Sm2.DOMAIN.getCurve().createPoint(x, y));
    }

    /** The public key d·G of a private key. */
    public static PublicKey publicKeyOf(PrivateKey key) throws InvalidKeyException {
        ECPrivateKeyParameters p = Sm2.privateParameters(key);
        return publicKey(Sm2.DOMAIN.getG().multiply(p.getD()));
    }

    /**
     * The public key's X.509 SubjectPublicKeyInfo DER in one canonical form: algorithm id-ecPublicKey,
     * parameters the named curve OID 1.2.156.10197.1.301, the point uncompressed (0x04‖X‖Y). This is what
     * {@code openssl pkey -pubin -in pub.pem -outform DER} prints for keys written by either tool.
     */
    public static byte[] spki(PublicKey key) throws InvalidKeyException {
        ECPublicKeyParameters p = Sm2.publicParameters(key);
        try {
            return new SubjectPublicKeyInfo(SM2_ALGORITHM, p.getQ().getEncoded(false)).getEncoded(ASN1Encoding.DER);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The PKCS#8 PrivateKeyInfo DER, canonical like {@link #spki}: an RFC 5915 ECPrivateKey holding the
     * 32-byte scalar and the public point, no parameters inside (they are in the algorithm identifier).
     */
    public static byte[] pkcs8(PrivateKey key) throws InvalidKeyException {
        ECPrivateKeyParameters p = Sm2.privateParameters(key);
        ECPoint q = Sm2.DOMAIN.getG().multiply(p.getD()).normalize();
        try {
            org.bouncycastle.asn1.sec.ECPrivateKey inner = new org.bouncycastle.asn1.sec.ECPrivateKey(256, p.getD(),
                    new DERBitString(q.getEncoded(false)), null);
            return new PrivateKeyInfo(SM2_ALGORITHM, inner).getEncoded(ASN1Encoding.DER);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The key's fingerprint: lowercase hex of SM3 over the canonical SPKI DER ({@link #spki}). The same value
     * comes from {@code openssl pkey -pubin -in pub.pem -outform DER | openssl dgst -sm3}.
     */
    public static String fingerprint(PublicKey key) throws InvalidKeyException {
        return HexFormat.of().formatHex(Sm3.digest(spki(key)));
    }

    /** The fingerprint in groups of four hex digits separated by colons, for reading aloud over the phone. */
    public static String fingerprintGrouped(PublicKey key) throws InvalidKeyException {
        String hex = fingerprint(key);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < hex.length(); i += 4) {
            if (i > 0) {
                sb.append(':');
            }
            sb.append(hex, i, i + 4);
        }
        return sb.toString();
    }

    /** Reads SPKI DER; the key must be on sm2p256v1. */
    public static PublicKey publicKeyFromSpki(byte[] der) throws InvalidKeyException {
        try {
            PublicKey k = Bc.publicKey(der);
            return canonical(k);
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new InvalidKeyException("not an SM2 public key: " + e.getMessage(), e);
        }
    }

    /** Reads PKCS#8 DER; the key must be on sm2p256v1. */
    public static PrivateKey privateKeyFromPkcs8(byte[] der) throws InvalidKeyException {
        try {
            PrivateKey k = Bc.privateKey(der);
            return canonical(k);
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new InvalidKeyException("not an SM2 private key: " + e.getMessage(), e);
        }
    }

    private static PublicKey publicKey(ECPoint q) {
        try {
            return publicKeyFromSpki(new SubjectPublicKeyInfo(SM2_ALGORITHM, q.normalize().getEncoded(false))
                    .getEncoded(ASN1Encoding.DER));
        } catch (IOException | InvalidKeyException e) {
            throw new IllegalArgumentException("invalid SM2 public point", e);
        }
    }

    private static PrivateKey privateKey(ECPrivateKeyParameters p) {
        try {
            ECPoint q = Sm2.DOMAIN.getG().multiply(p.getD()).normalize();
            byte[] der = new PrivateKeyInfo(SM2_ALGORITHM, new org.bouncycastle.asn1.sec.ECPrivateKey(256, p.getD(),
                    new DERBitString(q.getEncoded(false)), null)).getEncoded(ASN1Encoding.DER);
            return Bc.privateKey(der);
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("invalid SM2 private scalar", e);
        }
    }

    /** Re-reads a key through its canonical encoding so every key of ours has named-curve parameters. */
    private static PublicKey canonical(PublicKey k) throws InvalidKeyException {
        return Bc.publicKey(spki(k));
    }

    private static PrivateKey canonical(PrivateKey k) throws InvalidKeyException {
        return Bc.privateKey(pkcs8(k));
    }
}
