package org.tidegate.driver.dlt645.internal;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.tidegate.core.driver.FieldDriver;
import org.tidegate.core.driver.support.DriverService;
import org.tidegate.driver.dlt645.Dlt645Driver;

/** Registers the {@link Dlt645Driver} as the {@code dlt645} field driver. */
@Component(service = FieldDriver.class, property = FieldDriver.PROTOCOL_PROPERTY + "=" + Dlt645Driver.PROTOCOL)
public final class Dlt645DriverComponent extends DriverService {
    public Dlt645DriverComponent() {
        super(new Dlt645Driver());
    }

    @Deactivate
    void deactivate() {
        close();
    }
}
