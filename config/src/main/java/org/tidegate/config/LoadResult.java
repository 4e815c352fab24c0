package org.tidegate.config;

import org.tidegate.core.config.ConfigProblem;
import java.util.List;

/**
 * What {@link HomeLoader#check} found.
 *
 * @param config   the configuration, or null if there are errors
 * @param errors   problems that make the home unusable; nothing is applied while there are any
 * @param warnings things worth fixing that do not stop the gateway (e.g. not provisioned yet)
 */
public record LoadResult(GatewayConfig config, List<ConfigProblem> errors, List<ConfigProblem> warnings) {
    public LoadResult {
        errors = List.copyOf(errors);
        warnings = List.copyOf(warnings);
    }

    public boolean ok() {
        return errors.isEmpty();
    }
}
