package org.tidegate.core.cli;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Minimal GNU-style option parsing shared by all subcommands: {@code --name value}, {@code --name=value},
 * boolean {@code --flag}, and positional arguments. Unknown options are an error, not silently ignored.
 */
public final class Args {
    private final Map<String, String> options = new HashMap<>();
    private final List<String> positional = new ArrayList<>();

    private Args() {
    }

    /**
     * @param valued options that take a value
     * @param flags  options that take none
     * @throws UsageException on an unknown option or a missing value
     */
    public static Args parse(List<String> args, Set<String> valued, Set<String> flags) throws UsageException {
        Args a = new Args();
        for (int i = 0; i < args.size(); i++) {
            String s = args.get(i);
            if (s.startsWith("--") && s.length() > 2) {
                String name = s.substring(2);
                String value = null;
                int eq = name.indexOf('=');
                if (eq >= 0) {
                    value = name.substring(eq + 1);
                    name = name.substring(0, eq);
                }
                if (flags.contains(name) && value == null) {
                    a.options.put(name, "true");
                } else if (valued.contains(name)) {
                    if (value == null) {
                        if (i + 1 >= args.size()) {
                            throw new UsageException("option --" + name + " needs a value");
                        }
                        value = args.get(++i);
                    }
                    a.options.put(name, value);
                } else {
                    throw new UsageException("unknown option --" + name);
                }
            } else {
                a.positional.add(s);
            }
        }
        return a;
    }

    public String get(String name) {
        return options.get(name);
    }

    public String get(String name, String fallback) {
        return options.getOrDefault(name, fallback);
    }

    public String require(String name) throws UsageException {
        String v = options.get(name);
        if (v == null || v.isEmpty()) {
            throw new UsageException("option --" + name + " is required");
        }
        return v;
    }

    public boolean flag(String name) {
        return options.containsKey(name);
    }

    public int intValue(String name, int fallback) throws UsageException {
        String v = options.get(name);
        if (v == null) {
            return fallback;
        }
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new UsageException("option --" + name + " must be an integer, got \"" + v + "\"");
        }
    }

    /** A duration option in whole seconds (500ms counts as 1 s); negative is a usage error, never "forever". */
    public long durationSeconds(String name, long fallback) throws UsageException {
        String v = options.get(name);
        if (v == null) {
            return fallback;
        }
        java.time.Duration d = parseDuration(v);
        if (d == null) {
            throw new UsageException("option --" + name + " must be a duration like 60, 60s, 5m or 1h, got \"" + v + "\"");
        }
        if (d.isNegative()) {
            throw new UsageException("option --" + name + " must not be negative, got \"" + v + "\"");
        }
        return d.toMillis() > 0 && d.toMillis() < 1000 ? 1 : d.toSeconds();
    }

    /** @return {@code 60}, {@code 60s}, {@code 500ms}, {@code 5m} or {@code 1h} as a duration, or null when it is none */
    static java.time.Duration parseDuration(String value) {
        String v = value.trim();
        try {
            if (v.endsWith("ms")) {
                return java.time.Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
            }
            if (v.endsWith("s")) {
                return java.time.Duration.ofSeconds(Long.parseLong(v.substring(0, v.length() - 1)));
            }
            if (v.endsWith("m")) {
                return java.time.Duration.ofMinutes(Long.parseLong(v.substring(0, v.length() - 1)));
            }
            if (v.endsWith("h")) {
                return java.time.Duration.ofHours(Long.parseLong(v.substring(0, v.length() - 1)));
            }
            return java.time.Duration.ofSeconds(Long.parseLong(v));
        } catch (NumberFormatException | ArithmeticException e) {
            return null;
        }
    }

    public List<String> positional() {
        return positional;
    }

    /** A command-line mistake: the launcher prints the message and the usage, and exits 2. */
    public static final class UsageException extends Exception {
        private static final long serialVersionUID = 1L;

        public UsageException(String message) {
            super(message);
        }
    }
}
