package org.tidegate.crypto.internal;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import org.bouncycastle.asn1.gm.GMNamedCurves;
import org.bouncycastle.asn1.gm.GMObjectIdentifiers;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.crypto.CryptoException;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.engines.SM2Engine;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;
import org.bouncycastle.crypto.params.ECDomainParameters;
import org.bouncycastle.crypto.params.ECKeyParameters;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.crypto.params.ParametersWithID;
import org.bouncycastle.crypto.params.ParametersWithRandom;
import org.bouncycastle.crypto.signers.SM2Signer;
import org.bouncycastle.jcajce.provider.asymmetric.util.ECUtil;

/**
 * SM2 (GB/T 32918) on sm2p256v1 with Bouncy Castle's lightweight API: signatures with SM3 and the
 * GM/T 0009 default signer ID (DER r,s), and public-key encryption in C1‖C3‖C2 order with C1 uncompressed.
 */
public final class Sm2 {
    public static final String CURVE_NAME = "sm2p256v1";
    public static final X9ECParameters X9 = GMNamedCurves.getByOID(GMObjectIdentifiers.sm2p256v1);
    public static final ECDomainParameters DOMAIN = new ECDomainParameters(X9);
    public static final byte[] DEFAULT_SIGNER_ID = "1234567812345678".getBytes(StandardCharsets.US_ASCII);

    private Sm2() {
    }

    public static ECPrivateKeyParameters privateParameters(PrivateKey key) throws InvalidKeyException {
        return (ECPrivateKeyParameters) requireSm2Curve(ECUtil.generatePrivateKeyParameter(key));
    }

    public static ECPublicKeyParameters publicParameters(PublicKey key) throws InvalidKeyException {
        return (ECPublicKeyParameters) requireSm2Curve(ECUtil.generatePublicKeyParameter(key));
    }

    private static AsymmetricKeyParameter requireSm2Curve(AsymmetricKeyParameter p) throws InvalidKeyException {
        ECDomainParameters d = ((ECKeyParameters) p).getParameters();
        if (!d.getCurve().equals(DOMAIN.getCurve()) || !d.getG().equals(DOMAIN.getG())) {
            throw new InvalidKeyException("not an SM2 key: the curve is not " + CURVE_NAME);
        }
        return p;
    }

    /**
     * A signer bound to one private key. Initialising computes Z_A (which needs the public point, one
     * scalar multiplication), so callers keep the signer and reuse it; it resets itself after each signature.
     * Not thread-safe.
     */
    public static SM2Signer newSigner(ECPrivateKeyParameters key, SecureRandom random) {
        SM2Signer signer = new SM2Signer();
        signer.init(true, new ParametersWithID(new ParametersWithRandom(key, random), DEFAULT_SIGNER_ID));
        return signer;
    }

    public static byte[] sign(SM2Signer signer, byte[] data, int off, int len) {
        signer.update(data, off, len);
        try {
            return signer.generateSignature();
        } catch (CryptoException e) {
            throw new IllegalStateException("SM2 signing failed", e);
        } finally {
            signer.reset();
        }
    }

    public static byte[] sign(ECPrivateKeyParameters key, SecureRandom random, byte[] data, int off, int len) {
        return sign(newSigner(key, random), data, off, len);
    }

    /** True if {@code sig} is a valid DER SM2 signature over the data; false for any malformed signature. */
    public static boolean verify(ECPublicKeyParameters key, byte[] data, int off, int len,
                                 byte[] sig, int sigOff, int sigLen) {
        SM2Signer signer = new SM2Signer();
        signer.init(false, new ParametersWithID(key, DEFAULT_SIGNER_ID));
        signer.update(data, off, len);
        byte[] s = sigOff == 0 && sigLen == sig.length ? sig : java.util.Arrays.copyOfRange(sig, sigOff, sigOff + sigLen);
        try {
            return signer.verifySignature(s);
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** SM2 encryption to {@code key}: 0x04‖x1‖y1 ‖ C3 ‖ C2, 97 + plain.length bytes. */
    public static byte[] encrypt(ECPublicKeyParameters key, SecureRandom random, byte[] plain) {
        SM2Engine engine = new SM2Engine(SM2Engine.Mode.C1C3C2);
        engine.init(true, new ParametersWithRandom(key, random));
        try {
            return engine.processBlock(plain, 0, plain.length);
        } catch (InvalidCipherTextException e) {
            throw new IllegalStateException("SM2 encryption failed", e);
        }
    }

    /** Inverse of {@link #encrypt}; throws if the point is invalid or C3 does not match. */
    public static byte[] decrypt(ECPrivateKeyParameters key, byte[] cipher, int off, int len)
            throws InvalidCipherTextException {
        SM2Engine engine = new SM2Engine(SM2Engine.Mode.C1C3C2);
        engine.init(false, key);
        try {
            return engine.processBlock(cipher, off, len);
        } catch (RuntimeException e) {
            // a C1 that is not a point on the curve surfaces as IllegalArgumentException from the decoder
            throw new InvalidCipherTextException("invalid SM2 ciphertext: " + e.getMessage(), e);
        }
    }
}
