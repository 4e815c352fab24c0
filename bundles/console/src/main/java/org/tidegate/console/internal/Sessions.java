package org.tidegate.console.internal;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Console logins: a random session id (the cookie) per login, each with its own CSRF token. A session ends after
 * {@code sessionSeconds} without a request (an open page asks every second, so it stays logged in; a closed or
 * forgotten one does not), and {@value #MAX_AGE_HOURS} h after the login whatever happens. At most
 * {@value #MAX_SESSIONS} at once: a new login drops the oldest. Thread-safe.
 */
final class Sessions {
    static final int MAX_SESSIONS = 16;
    static final int MAX_AGE_HOURS = 12;
    private static final long MAX_AGE_MS = MAX_AGE_HOURS * 3_600_000L;
    private static final SecureRandom RANDOM = new SecureRandom();

    /** One login: who, from where; {@code expiresAt} (Unix ms) moves with each request. */
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
        if (s == null) {
            return null;
        }
        long now = clock.getAsLong();
        if (now >= s.expiresAt()) {
            byId.remove(id);
            return null;
        }
        Session touched = new Session(s.id(), s.user(), s.address(), s.csrf(), s.createdAt(),
                Math.min(now + lifetimeMs, s.createdAt() + MAX_AGE_MS));
        byId.put(id, touched);
        return touched;
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
