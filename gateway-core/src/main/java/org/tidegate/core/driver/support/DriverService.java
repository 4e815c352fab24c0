package org.tidegate.core.driver.support;

import org.osgi.annotation.versioning.ConsumerType;
import org.tidegate.core.config.DriverSchema;
import org.tidegate.core.driver.DeviceSession;
import org.tidegate.core.driver.DriverException;
import org.tidegate.core.driver.FieldDriver;
import org.tidegate.core.model.Device;

/**
 * The OSGi face of a driver that is usable without OSGi: a bundle's component extends this with its driver and adds
 * only its {@code @Component} annotation and a {@code @Deactivate} method calling {@link #close()} (DS looks for
 * annotations on the component class itself).
 *
 * <pre>
 * &#64;Component(service = FieldDriver.class, property = FieldDriver.PROTOCOL_PROPERTY + "=" + MyDriver.PROTOCOL)
 * public final class MyDriverComponent extends DriverService {
 *     public MyDriverComponent() { super(new MyDriver()); }
 *     &#64;Deactivate void deactivate() { close(); }
 * }
 * </pre>
 */
@ConsumerType
public abstract class DriverService implements FieldDriver {
    private final SessionDriver<?> driver;

    protected DriverService(SessionDriver<?> driver) {
        this.driver = driver;
    }

    @Override
    public final String protocol() {
        return driver.protocol();
    }

    @Override
    public final DriverSchema schema() {
        return driver.schema();
    }

    @Override
    public final DeviceSession open(Device device) throws DriverException {
        return driver.open(device);
    }

    /** Closes the driver's open sessions (the bundle is stopping). */
    protected final void close() {
        driver.close();
    }
}
