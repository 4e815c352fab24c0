package org.tidegate.driver.modbus.internal;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.tidegate.core.config.DriverSchema;
import org.tidegate.core.driver.DeviceSession;
import org.tidegate.core.driver.DriverException;
import org.tidegate.core.driver.FieldDriver;
import org.tidegate.core.model.Device;
import org.tidegate.driver.modbus.ModbusDriver;

/** Registers the {@link ModbusDriver} as the {@code modbus} field driver. */
@Component(service = FieldDriver.class, property = FieldDriver.PROTOCOL_PROPERTY + "=" + ModbusDriver.PROTOCOL)
public final class ModbusDriverComponent implements FieldDriver {
    private final ModbusDriver driver = new ModbusDriver();

    @Override
    public String protocol() {
        return driver.protocol();
    }

    /** The configuration this driver understands. */
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
