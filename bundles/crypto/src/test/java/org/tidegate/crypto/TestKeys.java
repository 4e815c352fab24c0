package org.tidegate.crypto;

import java.security.KeyPair;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;

/** Deterministic key pairs and randomness so that tamper tests see the same frame on every run. */
final class TestKeys {
    static final KeyPair GATEWAY = SmKeys.generate(seeded(1));
    static final KeyPair CLOUD = SmKeys.generate(seeded(2));
    static final KeyPair STRANGER = SmKeys.generate(seeded(3));

    private TestKeys() {
    }

    static SecureRandom seeded(long seed) {
        try {
            SecureRandom r = SecureRandom.getInstance("SHA1PRNG");
            r.setSeed(seed);
            return r;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
