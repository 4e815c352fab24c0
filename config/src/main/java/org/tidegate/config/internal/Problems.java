package org.tidegate.config.internal;

import java.util.ArrayList;
import java.util.List;
import org.tidegate.core.config.ConfigProblem;

/** Collects errors and warnings while one home directory is checked, so that all are reported at once. */
public final class Problems {
    final List<ConfigProblem> errors = new ArrayList<>();
    final List<ConfigProblem> warnings = new ArrayList<>();

    public void error(String file, String path, String message) {
        errors.add(new ConfigProblem(file, path, message));
    }

    public void warn(String file, String path, String message) {
        warnings.add(new ConfigProblem(file, path, message));
    }

    public List<ConfigProblem> errors() {
        return errors;
    }

    public List<ConfigProblem> warnings() {
        return warnings;
    }

    int errorCount() {
        return errors.size();
    }
}
