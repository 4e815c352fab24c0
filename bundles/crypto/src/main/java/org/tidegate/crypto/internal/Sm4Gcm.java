package org.tidegate.crypto.internal;

import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.engines.SM4Engine;
import org.bouncycastle.crypto.modes.GCMBlockCipher;
import org.bouncycastle.crypto.modes.GCMModeCipher;
import org.bouncycastle.crypto.params.AEADParameters;
import org.bouncycastle.crypto.params.KeyParameter;

/** SM4 (GB/T 32907) in GCM mode with a 96-bit nonce and a 128-bit tag (RFC 8998). */
public final class Sm4Gcm {
    public static final int TAG_BITS = 128;

    private Sm4Gcm() {
    }

    /**
     * Encrypts {@code plain[pOff..pOff+pLen)} into {@code out} at {@code outOff}: ciphertext then tag,
     * {@code pLen + 16} bytes. The AAD is {@code aad[aadOff..aadOff+aadLen)}.
     */
    public static void encrypt(byte[] key, byte[] nonce, byte[] aad, int aadOff, int aadLen,
                               byte[] plain, int pOff, int pLen, byte[] out, int outOff) {
        GCMModeCipher gcm = GCMBlockCipher.newInstance(new SM4Engine());
        gcm.init(true, new AEADParameters(new KeyParameter(key), TAG_BITS, nonce));
        gcm.processAADBytes(aad, aadOff, aadLen);
        int n = gcm.processBytes(plain, pOff, pLen, out, outOff);
        try {
            gcm.doFinal(out, outOff + n);
        } catch (InvalidCipherTextException e) {
            throw new IllegalStateException("SM4-GCM encryption failed", e);
        }
    }

    public static byte[] encrypt(byte[] key, byte[] nonce, byte[] aad, byte[] plain) {
        byte[] out = new byte[plain.length + TAG_BITS / 8];
        encrypt(key, nonce, aad, 0, aad.length, plain, 0, plain.length, out, 0);
        return out;
    }

    /** Decrypts ciphertext‖tag; throws if the tag does not verify. */
    public static byte[] decrypt(byte[] key, byte[] nonce, byte[] aad, int aadOff, int aadLen,
                                 byte[] cipher, int cOff, int cLen) throws InvalidCipherTextException {
        if (cLen < TAG_BITS / 8) {
            throw new InvalidCipherTextException("ciphertext shorter than the tag");
        }
        GCMModeCipher gcm = GCMBlockCipher.newInstance(new SM4Engine());
        gcm.init(false, new AEADParameters(new KeyParameter(key), TAG_BITS, nonce));
        gcm.processAADBytes(aad, aadOff, aadLen);
        byte[] out = new byte[cLen - TAG_BITS / 8];
        int n = gcm.processBytes(cipher, cOff, cLen, out, 0);
        gcm.doFinal(out, n);
        return out;
    }
}
