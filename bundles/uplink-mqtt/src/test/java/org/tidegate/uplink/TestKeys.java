package org.tidegate.uplink;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import org.tidegate.crypto.PemKeys;
import org.tidegate.crypto.SmKeys;

/** Fresh SM2 key pairs for a gateway and the cloud, also written as PEM files under {@code dir/keys}. */
record TestKeys(KeyPair gateway, KeyPair cloud, Path dir) {

    static TestKeys create(Path dir) throws Exception {
        TestKeys k = new TestKeys(SmKeys.generate(), SmKeys.generate(), dir.resolve("keys"));
        Files.createDirectories(k.dir);
        PemKeys.writePrivateKey(k.gatewayKey(), k.gateway.getPrivate(), true);
        PemKeys.writePublicKey(k.gatewayPub(), k.gateway.getPublic(), true);
        PemKeys.writePrivateKey(k.cloudKey(), k.cloud.getPrivate(), true);
        PemKeys.writePublicKey(k.cloudPub(), k.cloud.getPublic(), true);
        return k;
    }

    Path gatewayKey() {
        return dir.resolve("gateway.key.pem");
    }

    Path gatewayPub() {
        return dir.resolve("gateway.pub.pem");
    }

    Path cloudKey() {
        return dir.resolve("cloud.key.pem");
    }

    Path cloudPub() {
        return dir.resolve("cloud.pub.pem");
    }
}
