package org.tidegate.ingest;

import java.util.List;
import org.tidegate.core.cli.CommandLines;
import org.tidegate.ingest.internal.IngestCommand;

/** {@code tidegate ingest} in a JVM of its own, for the tests that kill it: the command's exit code is the JVM's. */
public final class IngestChild {
    private IngestChild() {
    }

    public static void main(String[] args) throws Exception {
        int code = CommandLines.execute(new IngestCommand(), List.of(args), System.out, System.err);
        System.exit(code);
    }
}
