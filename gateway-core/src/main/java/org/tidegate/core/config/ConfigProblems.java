package org.tidegate.core.config;

import java.util.ArrayList;
import java.util.List;

/** Collects errors and warnings while a configuration is checked, so that all are reported at once. */
public final class ConfigProblems {
    private final List<ConfigProblem> errors = new ArrayList<>();
    private final List<ConfigProblem> warnings = new ArrayList<>();

    public void error(String file, String path, String message) {
        errors.add(new ConfigProblem(file, path, message));
    }

    public void warn(String file, String path, String message) {
        warnings.add(new ConfigProblem(file, path, message));
    }

    public List<ConfigProblem> errors() {
        return List.copyOf(errors);
    }

    public List<ConfigProblem> warnings() {
        return List.copyOf(warnings);
    }

    public int errorCount() {
        return errors.size();
    }

    /** The errors as one message, one per line; for exceptions where a list cannot be returned. */
    public String describeErrors() {
        StringBuilder sb = new StringBuilder();
        for (ConfigProblem p : errors) {
            sb.append(sb.isEmpty() ? "" : "\n").append(p);
        }
        return sb.toString();
    }
}
