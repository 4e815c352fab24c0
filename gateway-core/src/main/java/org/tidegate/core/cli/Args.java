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

    public long durationSeconds(String name, long fallback) throws UsageException {
        String v = options.get(name);
        if (v == null) {
            return fallback;
        }
        try {
            if (v.endsWith("ms")) {
                return Math.max(1, Long.parseLong(v.substring(0, v.length() - 2)) / 1000);
            }
            if (v.endsWith("s")) {
                return Long.parseLong(v.substring(0, v.length() - 1));
            }
            if (v.endsWith("m")) {
                return Long.parseLong(v.substring(0, v.length() - 1)) * 60;
            }
            if (v.endsWith("h")) {
                return Long.parseLong(v.substring(0, v.length() - 1)) * 3600;
            }
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new UsageException("option --" + name + " must be a duration like 60, 60s, 5m or 1h, got \"" + v + "\"");
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
