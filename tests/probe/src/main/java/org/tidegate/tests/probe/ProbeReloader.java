package org.tidegate.tests.probe;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.tidegate.config.ConfigurationReloader;
import org.tidegate.config.LoadResult;

/**
 * Lets tests outside the framework make the running gateway check its home now, as its file scan does:
 * {@code get()} returns the errors the runtime found (as {@code FILE: PATH: REASON} strings), empty when it
 * applied the home, then its warnings, each prefixed {@value #WARNING}.
 */
@Component(service = Supplier.class, property = "tidegate.probe=reload")
public class ProbeReloader implements Supplier<List<String>> {
    /** The prefix of a warning in {@link #get()}'s list. */
    public static final String WARNING = "warning: ";
    private final ConfigurationReloader reloader;

    @Activate
    public ProbeReloader(@Reference ConfigurationReloader reloader) {
        this.reloader = reloader;
    }

    @Override
    public List<String> get() {
        LoadResult r = reloader.reload();
        List<String> out = new ArrayList<>();
        r.errors().forEach(p -> out.add(p.toString()));
        r.warnings().forEach(p -> out.add(WARNING + p));
        return out;
    }
}
