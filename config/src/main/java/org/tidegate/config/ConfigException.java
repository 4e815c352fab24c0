package org.tidegate.config;

import org.tidegate.core.config.ConfigProblem;
import java.util.List;

/** A home directory that cannot be used; carries every problem found, not just the first. */
public class ConfigException extends Exception {
    private static final long serialVersionUID = 1L;
    private final transient List<ConfigProblem> problems;

    public ConfigException(List<ConfigProblem> problems) {
        super(problems.size() + " configuration error(s):\n  "
                + String.join("\n  ", problems.stream().map(ConfigProblem::toString).toList()));
        this.problems = List.copyOf(problems);
    }

    public List<ConfigProblem> problems() {
        return problems;
    }
}
