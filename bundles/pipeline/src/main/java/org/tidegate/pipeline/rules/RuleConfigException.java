package org.tidegate.pipeline.rules;

import java.util.List;

/** The {@code rules} of one or more channels are invalid; the message names device, channel and key of each problem. */
public class RuleConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final List<String> problems;

    public RuleConfigException(List<String> problems) {
        super(String.join("; ", problems));
        this.problems = List.copyOf(problems);
    }

    /** One line per problem, e.g. {@code device wl-001 channel level: rules.thresholds[0].above must be a number}. */
    public List<String> problems() {
        return problems;
    }
}
