package org.tidegate.core.testing;

import java.io.File;

/**
 * Tests that talk to tools nobody here wrote (socat, mosquitto, openssl, pymodbus, mbpoll) use this to
 * decide whether to run. On a developer's machine a missing tool skips the test (with JUnit's
 * {@code assumeTrue}); in CI (environment variable {@code CI} set) a missing tool is an error, because
 * {@code .ci/run} installs them all and a silent skip would hide a broken install.
 */
public final class ExternalTools {
    private ExternalTools() {
    }

    /** True if {@code command} is an executable on the PATH (or an absolute path that exists). */
    public static boolean onPath(String command) {
        if (command.contains("/")) {
            return new File(command).canExecute();
        }
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (new File(dir, command).canExecute()) {
                return true;
            }
        }
        return false;
    }

    /**
     * For {@code assumeTrue(ExternalTools.usable("socat"))}: true if present; false if absent outside CI;
     * throws if absent in CI.
     */
    public static boolean usable(String command) {
        if (onPath(command)) {
            return true;
        }
        if (System.getenv("CI") != null) {
            throw new IllegalStateException(command + " is required in CI but is not installed: .ci/run should install it");
        }
        return false;
    }
}
