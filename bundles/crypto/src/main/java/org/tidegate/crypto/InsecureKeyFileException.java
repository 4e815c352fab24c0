package org.tidegate.crypto;

import java.io.IOException;
import java.nio.file.Path;

/** A private key file that group or others may read or write: it is refused, not loaded. */
public final class InsecureKeyFileException extends IOException {
    private static final long serialVersionUID = 1L;
    private final transient Path file;
    private final String mode;

    public InsecureKeyFileException(Path file, String mode) {
        super("private key " + file + " has mode " + mode + ": it must not be accessible by group or others"
                + " (expected 0600); fix it with: chmod 600 " + file);
        this.file = file;
        this.mode = mode;
    }

    public Path file() {
        return file;
    }

    /** Octal, e.g. {@code 0644}. */
    public String mode() {
        return mode;
    }
}
