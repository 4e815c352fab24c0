package org.tidegate.launcher;

import java.io.PrintStream;
import java.util.List;
import org.tidegate.core.cli.CommandLines;
import org.tidegate.core.cli.PicocliCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code demo}, {@code bench} or {@code ingest} on an installation without the folder they live in: listed by
 * {@code tidegate help} as not installed, and says why (exit 2) whatever options it is given, instead of
 * "unknown command".
 */
@Command(name = "not-installed")
final class NotInstalledCommand implements PicocliCommand {
    private final String name;
    private final String folder;

    /** Whatever the user typed after the command's name: it cannot be checked without the command. */
    @Parameters(arity = "0..*", hidden = true)
    List<String> ignored;

    private NotInstalledCommand(String name, String folder) {
        this.name = name;
        this.folder = folder;
    }

    /** The placeholder for command {@code name} of the distribution's {@code folder}/. */
    static CommandLine commandLine(String name, String folder) {
        CommandLine cl = CommandLines.of(new NotInstalledCommand(name, folder));
        cl.getCommandSpec().name(name);
        cl.getCommandSpec().usageMessage().description("(not installed: the distribution's " + folder + "/ folder is missing)");
        // its options are unknown here: they are words for the message, not usage mistakes
        cl.setUnmatchedOptionsArePositionalParams(true);
        return cl;
    }

    @Override
    public int run(PrintStream out, PrintStream err) {
        err.println("tidegate: \"" + name + "\" is in the distribution's " + folder + "/ folder, which this"
                + " installation does not have (bin/tidegate adds " + folder + "/*.jar to the class path for it)");
        return 2;
    }
}
