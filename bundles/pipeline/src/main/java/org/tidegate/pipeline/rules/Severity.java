package org.tidegate.pipeline.rules;

import java.util.Locale;

/** How urgent an alarm is; the wire name is the lower-case constant name. */
public enum Severity {
    INFO, WARNING, MAJOR, CRITICAL;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    static Severity parse(String s) {
        return valueOf(s.toUpperCase(Locale.ROOT));
    }
}
