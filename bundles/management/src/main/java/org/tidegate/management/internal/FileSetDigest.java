package org.tidegate.management.internal;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import org.bouncycastle.crypto.digests.SM3Digest;
import org.bouncycastle.util.encoders.Hex;

/**
 * The SM3 digest of a set of configuration files: every file in path order as {@code PATH \n BYTES \n TEXT}, with
 * BYTES the UTF-8 length in decimal. Lowercase hex. Two revisions with the same digest have the same files.
 */
final class FileSetDigest {
    private FileSetDigest() {
    }

    static String of(Map<String, String> files) {
        SM3Digest d = new SM3Digest();
        for (Map.Entry<String, String> e : new TreeMap<>(files).entrySet()) {
            byte[] text = e.getValue().getBytes(StandardCharsets.UTF_8);
            byte[] head = (e.getKey() + "\n" + text.length + "\n").getBytes(StandardCharsets.UTF_8);
            d.update(head, 0, head.length);
            d.update(text, 0, text.length);
        }
        byte[] out = new byte[d.getDigestSize()];
        d.doFinal(out, 0);
        return Hex.toHexString(out);
    }

    /** SM3 of {@code bytes}, lowercase hex. */
    static String of(byte[] bytes) {
        SM3Digest d = new SM3Digest();
        d.update(bytes, 0, bytes.length);
        byte[] out = new byte[d.getDigestSize()];
        d.doFinal(out, 0);
        return Hex.toHexString(out);
    }
}
