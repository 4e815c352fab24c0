package org.tidegate.driver.gpio.internal;

import java.util.Map;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.tidegate.core.config.DriverSchema;
import org.tidegate.core.driver.DeviceSession;
import org.tidegate.core.driver.DriverException;
import org.tidegate.core.driver.FieldDriver;
import org.tidegate.core.model.Device;
import org.tidegate.driver.gpio.GpioEdgeListener;
import org.tidegate.driver.gpio.GpioMock;

/**
 * The GPIO driver as an OSGi service ({@code tidegate.protocol=gpio}); a thin wrapper around {@link GpioDriver}.
 * {@link GpioEdgeListener} services are picked up whiteboard style.
 */
@Component(service = {FieldDriver.class, GpioMock.class}, property = FieldDriver.PROTOCOL_PROPERTY + "=" + GpioDriver.PROTOCOL,
        configurationPid = GpioDriverComponent.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = GpioDriverComponent.Config.class)
public class GpioDriverComponent implements FieldDriver, GpioMock {
    public static final String PID = "org.tidegate.driver.gpio";

    @ObjectClassDefinition(name = "tidegate GPIO driver", description = "Pi4J v2 GPIO: contacts, pulse counters, relays")
    public @interface Config {
        @AttributeDefinition(description = "Provider for devices whose connection names none: auto (real GPIO if a "
                + "/dev/gpiochip* exists, else mock), mock, or real")
        String provider() default "auto";
    }

    private final GpioDriver driver;

    @Activate
    public GpioDriverComponent(Config config) {
        this.driver = new GpioDriver(config.provider(), System::nanoTime, GpioBackend.DEV);
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addEdgeListener(GpioEdgeListener listener, Map<String, Object> properties) {
        Object device = properties.get(GpioEdgeListener.DEVICE_PROPERTY);
        driver.addEdgeListener(listener, device == null ? null : device.toString());
    }

    void removeEdgeListener(GpioEdgeListener listener) {
        driver.removeEdgeListener(listener);
    }

    @Deactivate
    void deactivate() {
        driver.close();
    }

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

    @Override
    public void setLevel(int line, boolean high) {
        driver.setLevel(line, high);
    }

    @Override
    public boolean level(int line) {
        return driver.level(line);
    }
}
