package org.tidegate.console.internal;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Console logins: a random session id (the cookie) per login, each with its own CSRF token, expiring a fixed time
 * after the login. At most {@value #MAX_SESSIONS} at once: a new login drops the oldest. Thread-safe.
 */
final class Sessions {
    static final int MAX_SESSIONS = 16;
    private static final SecureRandom RANDOM = new SecureRandom();

    /** One login: who, from where, and until when (Unix ms). */
    record Session(String id, String user, String address, String csrf, long createdAt, long expiresAt) {
    }

    private final long lifetimeMs;
    private final LongSupplier clock;
    private final Map<String, Session> byId = new LinkedHashMap<>();

    Sessions(long lifetimeMs, LongSupplier clock) {
        this.lifetimeMs = lifetimeMs;
        this.clock = clock;
    }

    synchronized Session create(String user, String address) {
        purge();
        while (byId.size() >= MAX_SESSIONS) {
            Iterator<String> oldest = byId.keySet().iterator();
            oldest.next();
            oldest.remove();
        }
        long now = clock.getAsLong();
        Session s = new Session(token(), user, address, token(), now, now + lifetimeMs);
        byId.put(s.id(), s);
        return s;
    }

    /** The live session with this id, or null (unknown or expired: an expired one is forgotten). */
    synchronized Session find(String id) {
        if (id == null) {
            return null;
        }
        Session s = byId.get(id);
        if (s != null && clock.getAsLong() >= s.expiresAt()) {
            byId.remove(id);
            return null;
        }
        return s;
    }

    synchronized void remove(String id) {
        if (id != null) {
            byId.remove(id);
        }
    }

    synchronized int size() {
        purge();
        return byId.size();
    }

    private void purge() {
        long now = clock.getAsLong();
        byId.values().removeIf(s -> now >= s.expiresAt());
    }

    /** 32 random bytes as hex: a session id, a CSRF token, a one-time login token, an API key. */
    static String token() {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }
}
