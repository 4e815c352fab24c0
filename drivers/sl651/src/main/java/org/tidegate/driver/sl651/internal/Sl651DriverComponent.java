package org.tidegate.driver.sl651.internal;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.tidegate.core.config.DriverSchema;
import org.tidegate.core.driver.DeviceSession;
import org.tidegate.core.driver.DriverException;
import org.tidegate.core.driver.FieldDriver;
import org.tidegate.core.model.Device;
import org.tidegate.driver.sl651.Sl651Driver;

/** Registers the {@link Sl651Driver} as the {@code sl651} field driver. */
@Component(service = FieldDriver.class, property = FieldDriver.PROTOCOL_PROPERTY + "=" + Sl651Driver.PROTOCOL)
public final class Sl651DriverComponent implements FieldDriver {
    private final Sl651Driver driver = new Sl651Driver();

    @Override
    public String protocol() {
        return driver.protocol();
    }

    @Override
    public DriverSchema schema() {
        return driver.schema();
    }

    @Override
    public DeviceSession open(Device device) throws DriverException {
        return driver.open(device);
    }

    @Deactivate
    void deactivate() {
        driver.close();
    }
}
