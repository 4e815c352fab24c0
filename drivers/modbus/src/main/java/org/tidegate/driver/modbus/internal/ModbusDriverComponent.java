package org.tidegate.driver.modbus.internal;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.tidegate.core.driver.FieldDriver;
import org.tidegate.core.driver.support.DriverService;
import org.tidegate.driver.modbus.ModbusDriver;

/** Registers the {@link ModbusDriver} as the {@code modbus} field driver. */
@Component(service = FieldDriver.class, property = FieldDriver.PROTOCOL_PROPERTY + "=" + ModbusDriver.PROTOCOL)
public final class ModbusDriverComponent extends DriverService {
    public ModbusDriverComponent() {
        super(new ModbusDriver());
    }

    @Deactivate
    void deactivate() {
        close();
    }
}
