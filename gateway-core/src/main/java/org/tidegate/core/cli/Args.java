package org.tidegate.core.cli;

/**
 * What every command shares beyond picocli: {@link UsageException}, a usage mistake only the command can see, and
 * the one reading of a duration ({@link DurationConverter}). (It was also a hand-written option parser, for the
 * removed {@code Subcommand} SPI.)
 */
public final class Args {
    private Args() {
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

    /** A command-line mistake: the launcher prints the message and the usage, and exits 2. */
    public static final class UsageException extends Exception {
        private static final long serialVersionUID = 1L;

        public UsageException(String message) {
            super(message);
        }
    }
}
