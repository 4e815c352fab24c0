package org.tidegate.cloud.broker;

/** A broker that a test, a benchmark or the demo starts and stops itself, listening on loopback. */
public interface LabBroker extends AutoCloseable {

    /** {@code tcp://127.0.0.1:PORT} (or {@code ssl://...} for a TLS listener). */
    String url();

    int port();

    /** Starts (again) on the same port, keeping whatever session state the broker persisted. */
    void start() throws Exception;

    /** Stops the broker: sessions held only in memory are gone. */
    void stop() throws Exception;

    /** Stops and forgets every persisted session and retained message, as a broker restored from nothing. */
    void wipe() throws Exception;

    /** A short name for logs and benchmark lines, e.g. {@code mosquitto 2.0.11}. */
    String describe();

    @Override
    void close() throws Exception;
}
