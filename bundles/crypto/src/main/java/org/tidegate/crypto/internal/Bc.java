package org.tidegate.crypto.internal;

import java.security.Provider;
import org.bouncycastle.jce.provider.BouncyCastleProvider;

/**
 * One Bouncy Castle provider instance, passed explicitly to JCA factories. It is deliberately not
 * installed with {@code Security.addProvider}: a library should not change the JVM's provider list.
 */
public final class Bc {
    public static final Provider PROVIDER = new BouncyCastleProvider();

    private Bc() {
    }
}
