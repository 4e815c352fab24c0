package org.tidegate.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.PublicKey;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tidegate.crypto.internal.Sm3;

class PemKeysTest {
    @TempDir
    Path dir;

    @Test
    void privateKeyFileIsOwnerOnlyAndRoundTrips() throws Exception {
        KeyPair kp = SmKeys.generate();
        Path key = dir.resolve("gw.key.pem");
        Path pub = dir.resolve("gw.pub.pem");
        PemKeys.writePrivateKey(key, kp.getPrivate(), false);
        PemKeys.writePublicKey(pub, kp.getPublic(), false);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(key)));
        assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(pub)));
        assertTrue(Files.readString(key).startsWith("-----BEGIN PRIVATE KEY-----\n"));
        assertTrue(Files.readString(pub).startsWith("-----BEGIN PUBLIC KEY-----\n"));
        try (var files = Files.list(dir)) {
            assertEquals(2, files.count(), "no temporary files are left behind");
        }
        assertArrayEquals(SmKeys.pkcs8(kp.getPrivate()), SmKeys.pkcs8(PemKeys.readPrivateKey(key)));
        assertArrayEquals(SmKeys.spki(kp.getPublic()), SmKeys.spki(PemKeys.readPublicKey(pub)));
        assertArrayEquals(SmKeys.spki(kp.getPublic()), SmKeys.spki(SmKeys.publicKeyOf(PemKeys.readPrivateKey(key))));
    }

    @Test
    void existingFilesAreNotOverwrittenWithoutBeingAsked() throws Exception {
        KeyPair a = SmKeys.generate();
        KeyPair b = SmKeys.generate();
        Path key = dir.resolve("gw.key.pem");
        PemKeys.writePrivateKey(key, a.getPrivate(), false);
        assertThrows(FileAlreadyExistsException.class, () -> PemKeys.writePrivateKey(key, b.getPrivate(), false));
        assertArrayEquals(SmKeys.pkcs8(a.getPrivate()), SmKeys.pkcs8(PemKeys.readPrivateKey(key)));
        PemKeys.writePrivateKey(key, b.getPrivate(), true);
        assertArrayEquals(SmKeys.pkcs8(b.getPrivate()), SmKeys.pkcs8(PemKeys.readPrivateKey(key)));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(key)));
    }

    @Test
    void refusesPrivateKeysOthersCanRead() throws Exception {
        Path key = dir.resolve("gw.key.pem");
        PemKeys.writePrivateKey(key, SmKeys.generate().getPrivate(), false);
        for (String mode : new String[] {"rw-r--r--", "rw-r-----", "rw----r--", "rw-rw----", "rw-----w-"}) {
            Files.setPosixFilePermissions(key, PosixFilePermissions.fromString(mode));
            InsecureKeyFileException e = assertThrows(InsecureKeyFileException.class, () -> PemKeys.readPrivateKey(key));
            assertTrue(e.getMessage().contains(key.toString()), e.getMessage());
            assertEquals(PemKeys.mode(PosixFilePermissions.fromString(mode)), e.mode());
            assertTrue(e.getMessage().contains(e.mode()), e.getMessage());
        }
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-r--r--"));
        assertEquals("0644", assertThrows(InsecureKeyFileException.class, () -> PemKeys.readPrivateKey(key)).mode());
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("r--------"));
        PemKeys.readPrivateKey(key);
    }

    @Test
    void refusesAWorldReadableKeyBehindASymlink() throws Exception {
        Path real = dir.resolve("real.key.pem");
        PemKeys.writePrivateKey(real, SmKeys.generate().getPrivate(), false);
        Files.setPosixFilePermissions(real, PosixFilePermissions.fromString("rw-r--r--"));
        Path link = Files.createSymbolicLink(dir.resolve("link.key.pem"), real);
        assertThrows(InsecureKeyFileException.class, () -> PemKeys.readPrivateKey(link));
    }

    @Test
    void clearErrorsForWrongFiles() throws Exception {
        Path missing = dir.resolve("nope.pem");
        IOException e = assertThrows(IOException.class, () -> PemKeys.readPublicKey(missing));
        assertTrue(e.getMessage().contains("nope.pem"), e.getMessage());
        Path garbage = Files.writeString(dir.resolve("garbage.pem"), "hello\n");
        assertTrue(assertThrows(IOException.class, () -> PemKeys.readPublicKey(garbage)).getMessage()
                .contains("garbage.pem"));
        Path pub = dir.resolve("pub.pem");
        PemKeys.writePublicKey(pub, SmKeys.generate().getPublic(), false);
        Files.setPosixFilePermissions(pub, PosixFilePermissions.fromString("rw-------"));
        assertTrue(assertThrows(IOException.class, () -> PemKeys.readPrivateKey(pub)).getMessage()
                .contains("expected BEGIN PRIVATE KEY"));
    }

    @Test
    void readsSec1EcPrivateKeyFiles() throws Exception {
        KeyPair kp = SmKeys.generate();
        org.bouncycastle.asn1.pkcs.PrivateKeyInfo info = org.bouncycastle.asn1.pkcs.PrivateKeyInfo.getInstance(
                SmKeys.pkcs8(kp.getPrivate()));
        org.bouncycastle.asn1.sec.ECPrivateKey inner = org.bouncycastle.asn1.sec.ECPrivateKey.getInstance(
                info.parsePrivateKey());
        byte[] sec1 = new org.bouncycastle.asn1.sec.ECPrivateKey(256, inner.getKey(), inner.getPublicKey(),
                org.bouncycastle.asn1.gm.GMObjectIdentifiers.sm2p256v1).getEncoded();
        Path file = dir.resolve("sec1.pem");
        Files.writeString(file, "-----BEGIN EC PRIVATE KEY-----\n"
                + java.util.Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(sec1)
                + "\n-----END EC PRIVATE KEY-----\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        assertArrayEquals(SmKeys.pkcs8(kp.getPrivate()), SmKeys.pkcs8(PemKeys.readPrivateKey(file)));
    }

    @Test
    void fingerprintIsSm3OfTheSpki() throws Exception {
        PublicKey pub = SmKeys.publicKey(
                new BigInteger("09F9DF311E5421A150DD7D161E4BC5C672179FAD1833FC076BB08FF356F35020", 16),
                new BigInteger("CCEA490CE26775A52DC6EA718CC1AA600AED05FBF35E084A6632F6072DA9AD13", 16));
        byte[] spki = SmKeys.spki(pub);
        // 30 59 | 30 13 06 07 <id-ecPublicKey> 06 08 <1.2.156.10197.1.301> | 03 42 00 04 X Y
        assertEquals("3059301306072a8648ce3d020106082a811ccf5501822d03420004",
                HexFormat.of().formatHex(spki, 0, 27));
        assertEquals(91, spki.length);
        assertEquals(HexFormat.of().formatHex(Sm3.digest(spki)), SmKeys.fingerprint(pub));
        assertEquals(64, SmKeys.fingerprint(pub).length());
        assertEquals(79, SmKeys.fingerprintGrouped(pub).length());
    }

    @Test
    void trustDirectoryLoadsPubAndPemFilesAndSkipsPrivateKeys() throws Exception {
        KeyPair a = SmKeys.generate();
        KeyPair b = SmKeys.generate();
        PemKeys.writePublicKey(dir.resolve("gw-a.pub.pem"), a.getPublic(), false);
        PemKeys.writePublicKey(dir.resolve("gw-b.pem"), b.getPublic(), false);
        PemKeys.writePrivateKey(dir.resolve("gw-a.key.pem"), a.getPrivate(), false);
        Files.writeString(dir.resolve("README.txt"), "not a key");
        TrustedSenders t = TrustedSenders.loadDirectory(dir);
        assertEquals(2, t.asMap().size());
        assertArrayEquals(SmKeys.spki(a.getPublic()), SmKeys.spki(t.key("gw-a").orElseThrow()));
        assertArrayEquals(SmKeys.spki(b.getPublic()), SmKeys.spki(t.key("gw-b").orElseThrow()));
        PemKeys.writePublicKey(dir.resolve("gw-b.pub.pem"), b.getPublic(), false);
        assertTrue(assertThrows(IOException.class, () -> TrustedSenders.loadDirectory(dir)).getMessage()
                .contains("two public keys"));
    }
}
