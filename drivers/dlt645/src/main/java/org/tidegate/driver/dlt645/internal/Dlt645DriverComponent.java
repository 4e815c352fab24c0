package org.tidegate.driver.dlt645.internal;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.tidegate.core.config.DriverSchema;
import org.tidegate.core.driver.DeviceSession;
import org.tidegate.core.driver.DriverException;
import org.tidegate.core.driver.FieldDriver;
import org.tidegate.core.model.Device;
import org.tidegate.driver.dlt645.Dlt645Driver;

/** Registers the {@link Dlt645Driver} as the {@code dlt645} field driver. */
@Component(service = FieldDriver.class, property = FieldDriver.PROTOCOL_PROPERTY + "=" + Dlt645Driver.PROTOCOL)
public final class Dlt645DriverComponent implements FieldDriver {
    private final Dlt645Driver driver = new Dlt645Driver();

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
