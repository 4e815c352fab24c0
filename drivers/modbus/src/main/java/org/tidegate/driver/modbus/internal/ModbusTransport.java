package org.tidegate.driver.modbus.internal;

/** Carries one request PDU to a unit and brings back its response PDU (unchecked against the request). */
public interface ModbusTransport extends AutoCloseable {

    /**
     * One exchange, bounded by {@code timeoutMillis} once the transport is ours (waiting for a shared bus comes first).
     *
     * @throws TransportException with the status the request's channels should get
     */
    byte[] transact(int unit, byte[] pdu, long timeoutMillis) throws TransportException;

    /**
     * As {@link #transact(int, byte[], long)}; {@code urgent} (a write) goes before ordinary requests waiting for a
     * shared bus.
     */
    default byte[] transact(int unit, byte[] pdu, long timeoutMillis, boolean urgent) throws TransportException {
        return transact(unit, pdu, timeoutMillis);
    }

    /**
     * Whether other devices share this transport (an RS-485 bus): then a device that keeps failing backs off, so
     * that it takes less of the bus from its neighbours.
     */
    default boolean shared() {
        return false;
    }

    /** For log lines: {@code tcp 10.0.0.5:502} or {@code rtu /dev/ttyUSB0 9600 8N1}. */
    String describe();

    @Override
    void close();
}
