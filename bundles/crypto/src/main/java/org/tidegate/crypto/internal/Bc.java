package org.tidegate.crypto.internal;

import java.io.IOException;
import java.security.InvalidKeyException;
import java.security.PrivateKey;
import java.security.PublicKey;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.jcajce.provider.asymmetric.ec.KeyFactorySpi;

/**
 * Bouncy Castle's JCA EC keys, made by the converter its provider's {@code KeyFactory("EC")} calls, without the
 * provider. Instantiating {@code BouncyCastleProvider} registers every algorithm it knows: 903 classes, 3.8 MB of
 * metaspace and 3.5 MB of heap (JDK 17, Bouncy Castle 1.82), and a gateway loaded it twice (the launcher's start-up
 * check and the crypto bundle): ~14 MB of a board's memory for two key parsers. The converter needs 242 classes and
 * makes the same {@code BCECPublicKey}/{@code BCECPrivateKey} objects (equal keys, equal encodings).
 */
public final class Bc {
    private static final KeyFactorySpi.EC EC = new KeyFactorySpi.EC();

    private Bc() {
    }

    /** The key of an X.509 SubjectPublicKeyInfo DER. */
    public static PublicKey publicKey(byte[] spki) throws InvalidKeyException {
        try {
            return EC.generatePublic(SubjectPublicKeyInfo.getInstance(spki));
        } catch (IOException | RuntimeException e) {
            throw new InvalidKeyException(e.getMessage(), e);
        }
    }

    /** The key of a PKCS#8 PrivateKeyInfo DER. */
    public static PrivateKey privateKey(byte[] pkcs8) throws InvalidKeyException {
        try {
            return EC.generatePrivate(PrivateKeyInfo.getInstance(pkcs8));
        } catch (IOException | RuntimeException e) {
            throw new InvalidKeyException(e.getMessage(), e);
        }
    }
}
