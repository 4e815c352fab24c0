package org.tidegate.driver.sl651.internal;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.tidegate.core.driver.FieldDriver;
import org.tidegate.core.driver.support.DriverService;
import org.tidegate.driver.sl651.Sl651Driver;

/** Registers the {@link Sl651Driver} as the {@code sl651} field driver. */
@Component(service = FieldDriver.class, property = FieldDriver.PROTOCOL_PROPERTY + "=" + Sl651Driver.PROTOCOL)
public final class Sl651DriverComponent extends DriverService {
    public Sl651DriverComponent() {
        super(new Sl651Driver());
    }

    @Deactivate
    void deactivate() {
        close();
    }
}
