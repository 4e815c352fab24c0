package org.tidegate.core.driver.support;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Things that several sessions share by a key (the bus of a serial port, the connection to a TCP serial server),
 * counted by users: the first {@link #acquire} makes one, the last {@link #release} closes it. Thread-safe.
 *
 * @param <K> the key (a port, {@code host:port})
 * @param <V> the shared thing
 */
public final class SharedByKey<K, V> {
    private final Consumer<? super V> close;
    private final Map<K, Entry<V>> entries = new HashMap<>();

    private static final class Entry<V> {
        final V value;
        int users;

        Entry(V value) {
            this.value = value;
        }
    }

    /** @param close how the last user's release closes a value */
    public SharedByKey(Consumer<? super V> close) {
        this.close = close;
    }

    /**
     * The value for {@code key}, made with {@code create} if there is none; one more user of it.
     *
     * @param joining checks that the caller can share an existing value (throws {@link IllegalArgumentException}
     *                if not, e.g. a serial port open with other line settings); not called for a new one
     */
    public synchronized V acquire(K key, Supplier<? extends V> create, Consumer<? super V> joining) {
        Entry<V> e = entries.get(key);
        if (e == null) {
            e = new Entry<>(create.get());
            entries.put(key, e);
        } else {
            joining.accept(e.value);
        }
        e.users++;
        return e.value;
    }

    /** Gives back one use of {@code value}; the last one closes it. A value not (or no longer) shared is ignored. */
    public synchronized void release(K key, V value) {
        Entry<V> e = entries.get(key);
        if (e != null && e.value == value && --e.users == 0) {
            entries.remove(key);
            close.accept(value);
        }
    }

    /** Users of the value for {@code key}, 0 if none. */
    public synchronized int users(K key) {
        Entry<V> e = entries.get(key);
        return e == null ? 0 : e.users;
    }
}
