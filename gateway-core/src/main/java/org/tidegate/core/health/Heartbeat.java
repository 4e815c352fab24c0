package org.tidegate.core.health;

import org.osgi.annotation.versioning.ProviderType;

/** One registered thread's progress report. Cheap: a volatile write. */
@ProviderType
public interface Heartbeat extends AutoCloseable {
    /** A heartbeat nobody watches (a component used outside a runtime, tests, benchmarks). */
    Heartbeat NONE = new Heartbeat() {
        @Override
        public void beat() {
        }

        @Override
        public void close() {
        }
    };

    /** The thread made progress: called on every turn of its loop, from that thread. */
    void beat();

    /** The thread ended on purpose (its component stopped): no longer watched. */
    @Override
    void close();
}
