package org.tidegate.driver.modbus.slave;

/** One slave unit: answers a request PDU with a response PDU. */
@FunctionalInterface
public interface ModbusUnit {
    /** @return the response PDU (possibly an exception response) */
    byte[] handle(byte[] request);
}
