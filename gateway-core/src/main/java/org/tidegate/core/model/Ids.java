package org.tidegate.core.model;

import java.util.regex.Pattern;

/** The id rule of the topic spec: gateway, device and channel ids use {@code [A-Za-z0-9._-]}, 1–64 characters. */
public final class Ids {
    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    private Ids() {
    }

    public static boolean isValid(String id) {
        return id != null && VALID.matcher(id).matches();
    }

    /** Why {@code id} is not valid, or null if it is. */
    public static String problem(String id) {
        if (id == null || id.isEmpty()) {
            return "must not be empty";
        }
        if (id.length() > 64) {
            return "must be at most 64 characters (is " + id.length() + ")";
        }
        if (!VALID.matcher(id).matches()) {
            return "may only contain A-Z a-z 0-9 . _ - (got \"" + id + "\")";
        }
        return null;
    }
}
