package org.tidegate.driver.modbus.internal;

/** Carries one request PDU to a unit and brings back its response PDU (unchecked against the request). */
public interface ModbusTransport extends AutoCloseable {

    /**
     * One exchange, bounded by {@code timeoutMillis} once the transport is ours (waiting for a shared bus comes first).
     *
     * @throws TransportException with the status the request's channels should get
     */
    byte[] transact(int unit, byte[] pdu, long timeoutMillis) throws TransportException;

    /** For log lines: {@code tcp 10.0.0.5:502} or {@code rtu /dev/ttyUSB0 9600 8N1}. */
    String describe();

    @Override
    void close();
}
