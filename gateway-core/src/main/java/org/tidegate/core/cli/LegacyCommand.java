package org.tidegate.core.cli;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.IGetter;
import picocli.CommandLine.Model.ISetter;
import picocli.CommandLine.Model.UnmatchedArgsBinding;

/**
 * A {@link Subcommand} (the hand-parsed SPI) seen by picocli: its name and summary in the command list, its own
 * {@code usage()} text as its help, and every argument after its name handed to it untouched, as before.
 */
final class LegacyCommand implements IGetter, ISetter {
    private final Subcommand command;
    private final List<String> args = new ArrayList<>();

    private LegacyCommand(Subcommand command) {
        this.command = command;
    }

    static CommandLine commandLine(Subcommand command) {
        LegacyCommand adapter = new LegacyCommand(command);
        CommandSpec spec = CommandSpec.wrapWithoutInspection(adapter);
        spec.name(command.name());
        spec.usageMessage().description(command.summary());
        Map<String, CommandLine.IHelpSectionRenderer> sections = new LinkedHashMap<>();
        sections.put("legacy-usage", help -> command.usage() + System.lineSeparator());
        spec.usageMessage().sectionKeys(List.of("legacy-usage"));
        spec.usageMessage().sectionMap(sections);
        // The first argument is already unknown to picocli: it stops there and hands over everything.
        spec.parser().stopAtUnmatched(true);
        spec.addUnmatchedArgsBinding(UnmatchedArgsBinding.forStringCollectionSupplier(adapter));
        return new CommandLine(spec);
    }

    String name() {
        return command.name();
    }

    int run(PrintStream out, PrintStream err) throws Exception {
        if (args.contains("--help") || args.contains("-h")) {
            out.println(command.usage());
            return 0;
        }
        return command.run(List.copyOf(args), out, err);
    }

    @SuppressWarnings("unchecked")
    @Override
    public <T> T get() {
        return (T) args;
    }

    @Override
    public <T> T set(T value) {
        // picocli resets bindings before a parse; the list is cleared instead of replaced.
        args.clear();
        return null;
    }
}
