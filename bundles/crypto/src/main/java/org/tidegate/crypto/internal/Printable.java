package org.tidegate.crypto.internal;

/**
 * Text an outsider wrote (a frame's unauthenticated sender id, a message quoting it) made safe to log: control
 * characters (line breaks, escape sequences, C1 codes), line and paragraph separators and unpaired surrogates
 * become {@code \\uXXXX}, so that a forged id cannot write a line of its own into the log or drive a terminal,
 * and the text is cut ({@value #MAX} characters unless told otherwise).
 */
public final class Printable {
    static final int MAX = 200;

    private Printable() {
    }

    public static String of(String s) {
        return of(s, MAX);
    }

    public static String of(String s, int max) {
        if (s == null) {
            return null;
        }
        StringBuilder out = null;
        int n = Math.min(s.length(), max);
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            boolean unpaired = Character.isHighSurrogate(c) ? i + 1 >= s.length() || !Character.isLowSurrogate(s.charAt(i + 1))
                    : Character.isLowSurrogate(c) && (i == 0 || !Character.isHighSurrogate(s.charAt(i - 1)));
            boolean escape = c < 0x20 || (c >= 0x7F && c <= 0x9F) || c == '\u2028' || c == '\u2029' || unpaired;
            if (escape && out == null) {
                out = new StringBuilder(n + 16).append(s, 0, i);
            }
            if (out != null) {
                if (escape) {
                    out.append(String.format("\\u%04x", (int) c));
                } else {
                    out.append(c);
                }
            }
        }
        String r = out == null ? s.substring(0, n) : out.toString();
        return s.length() > max ? r + "..." : r;
    }
}
