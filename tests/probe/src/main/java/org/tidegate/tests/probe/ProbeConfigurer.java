package org.tidegate.tests.probe;

import java.util.Dictionary;
import java.util.Hashtable;
import java.util.Map;
import java.util.function.Function;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * Puts configurations into ConfigAdmin for tests outside the framework: apply a map with
 * {@code factoryPid}, {@code name} and the properties; returns the configuration's PID.
 */
@Component(service = Function.class, property = "tidegate.probe=config")
public class ProbeConfigurer implements Function<Map<String, Object>, String> {
    private final ConfigurationAdmin cm;

    @Activate
    public ProbeConfigurer(@Reference ConfigurationAdmin cm) {
        this.cm = cm;
    }

    @Override
    public String apply(Map<String, Object> request) {
        try {
            Configuration c = cm.getFactoryConfiguration((String) request.get("factoryPid"), (String) request.get("name"), "?");
            Dictionary<String, Object> props = new Hashtable<>();
            request.forEach((k, v) -> {
                if (!k.equals("factoryPid") && !k.equals("name")) {
                    props.put(k, v);
                }
            });
            c.update(props);
            return c.getPid();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
