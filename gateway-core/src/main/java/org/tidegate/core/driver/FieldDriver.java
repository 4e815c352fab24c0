package org.tidegate.core.driver;

import org.osgi.annotation.versioning.ConsumerType;
import org.tidegate.core.config.DriverSchema;
import org.tidegate.core.model.Device;

/**
 * A protocol driver (Modbus, GPIO, serial ...). Registered as an OSGi service with the property
 * {@value #PROTOCOL_PROPERTY} naming the protocol it serves; a device component picks its driver by
 * that property.
 *
 * <p>Drivers own transport sharing: several devices on one RS-485 bus get sessions that serialise
 * their requests on that bus, while devices on different buses or connections never wait for each other.
 */
@ConsumerType
public interface FieldDriver {

    /** Service property naming the protocol, e.g. {@code modbus}, {@code gpio}. */
    String PROTOCOL_PROPERTY = "tidegate.protocol";

    /** The protocol this driver serves (same as its {@value #PROTOCOL_PROPERTY} property). */
    String protocol();

    /**
     * The schema of this protocol's configuration: the same instance the bundle lists in
     * {@code META-INF/services/org.tidegate.core.config.DriverSchema}. The device component decodes its
     * device with it, so a device runs with exactly what {@code tidegate validate} accepted.
     */
    default DriverSchema schema() {
        throw new UnsupportedOperationException("driver " + protocol() + " provides no configuration schema");
    }

    /**
     * Opens a session for one device. Opening does not need the device to answer: a device that is
     * unreachable yields a session whose reads report {@link ReadStatus#NOT_CONNECTED} until it comes back.
     *
     * @throws DriverException if the device's configuration cannot work with this driver at all
     */
    DeviceSession open(Device device) throws DriverException;
}
