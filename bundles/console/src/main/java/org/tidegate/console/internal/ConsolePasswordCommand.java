package org.tidegate.console.internal;

import java.io.BufferedReader;
import java.io.Console;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.tidegate.core.cli.PicocliCommand;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code tidegate console-password --home DIR}: sets the local console's password (asked twice on a terminal, or
 * one line from standard input), stored only as a salted slow hash ({@link PasswordFile}).
 */
@Command(name = "console-password", description = {
        "set the local web console's password (stored as a salted PBKDF2 hash)", "",
        "Sets the password of the local web console (docs/console.md). On a terminal it is asked twice and",
        "not echoed; otherwise one line is read from standard input (for scripts:",
        "  printf '%%s\\n' \"$PW\" | tidegate console-password --home DIR).",
        "At least 8 characters. Stored as a salted PBKDF2-HMAC-SHA256 hash in HOME/keys/console-password",
        "(mode 0600), never in clear; a running gateway uses the new password at the next login."})
public final class ConsolePasswordCommand implements PicocliCommand {
    @Option(names = "--home", required = true, paramLabel = "DIR", description = "the gateway's home directory")
    Path homeOption;

    @Override
    public int run(PrintStream out, PrintStream err) throws Exception {
        Path home = homeOption.toAbsolutePath().normalize();
        if (!Files.isRegularFile(home.resolve("gateway.json"))) {
            err.println("tidegate console-password: " + home + " has no gateway.json (is it a gateway home?)");
            return 1;
        }
        char[] password;
        Console tty = System.console();
        if (tty != null) {
            password = tty.readPassword("new console password: ");
            char[] again = tty.readPassword("again: ");
            if (password == null || again == null || !java.util.Arrays.equals(password, again)) {
                err.println("tidegate console-password: the two entries differ; nothing changed");
                return 1;
            }
            PasswordFile.wipe(again);
        } else {
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            String line = in.readLine();
            if (line == null) {
                err.println("tidegate console-password: no password on standard input; nothing changed");
                return 1;
            }
            password = line.toCharArray();
        }
        try {
            String problem = PasswordFile.problem(password);
            if (problem != null) {
                err.println("tidegate console-password: " + problem + "; nothing changed");
                return 1;
            }
            PasswordFile.write(home, password);
        } finally {
            PasswordFile.wipe(password);
        }
        out.println("console password set (" + PasswordFile.path(home) + ", PBKDF2-HMAC-SHA256, mode 0600)");
        return 0;
    }
}
