package org.tidegate.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.tidegate.core.cli.CommandLines;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;

/**
 * Every {@code tidegate bench ...} command line that README.md and docs/ quote still parses (parsed only, never run):
 * the options became picocli {@code @Option} fields and kept their names. Synopses such as {@code [--runs N]} are
 * parsed with a sample value of the option's type in place of the placeholder.
 */
class DocumentedCommandLinesTest {
    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Pattern FENCE = Pattern.compile("(?ms)^```[^\\n]*\\n(.*?)^```");
    private static final Pattern SPAN = Pattern.compile("`([^`]+)`");
    private static final Pattern PLACEHOLDER = Pattern.compile("[A-Z][A-Z0-9_:.-]*(\\|[A-Za-z0-9_]+)*|[a-z]+(\\|[a-z]+)+");
    private static final List<String> SHELL_ENDS = List.of("|", ">", "2>&1", "&&", ";", "&", "#", "||");

    /** The quoted command lines, by where they are quoted. */
    static Map<String, String> quotedLines() throws IOException {
        Map<String, String> found = new LinkedHashMap<>();
        List<Path> files = new ArrayList<>(List.of(ROOT.resolve("README.md")));
        try (Stream<Path> docs = Files.list(ROOT.resolve("docs"))) {
            docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(files::add);
        }
        for (Path f : files) {
            String text = Files.readString(f);
            List<String> snippets = new ArrayList<>();
            Matcher fences = FENCE.matcher(text);
            while (fences.find()) {
                snippets.addAll(List.of(fences.group(1).replace("\\\n", " ").split("\n")));
            }
            Matcher spans = SPAN.matcher(FENCE.matcher(text).replaceAll(""));
            while (spans.find()) {
                snippets.add(spans.group(1));
            }
            for (String s : snippets) {
                String one = s.replaceAll("\\s+", " ");
                int at = one.indexOf("tidegate bench ");
                if (at >= 0 && Character.isLowerCase(one.charAt(at + "tidegate bench ".length()))) {
                    found.put(ROOT.relativize(f) + ": " + one.substring(at), one.substring(at));
                }
            }
        }
        return found;
    }

    /** Shell words of {@code line} after {@code tidegate}, up to a pipe, redirection or comment. */
    static List<String> words(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder w = new StringBuilder();
        boolean inWord = false;
        char quote = 0;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                } else {
                    w.append(c);
                }
            } else if (c == '"' || c == '\'') {
                quote = c;
                inWord = true;
            } else if (c == ' ') {
                if (inWord) {
                    if (SHELL_ENDS.contains(w.toString())) {
                        break;
                    }
                    out.add(w.toString());
                    w.setLength(0);
                    inWord = false;
                }
            } else if (c != '[' && c != ']') {
                w.append(c);
                inWord = true;
            }
        }
        if (inWord && !SHELL_ENDS.contains(w.toString())) {
            out.add(w.toString());
        }
        return out.subList(1, out.size());
    }

    /** A synopsis placeholder ({@code N}, {@code DIR}, {@code on|off}) replaced by a value of the option's type. */
    static List<String> withSamples(CommandLine root, List<String> words) {
        CommandLine cl = root.getSubcommands().get("bench").getSubcommands().get(words.get(1));
        List<String> out = new ArrayList<>(words);
        for (int i = 2; i + 1 < out.size(); i++) {
            OptionSpec o = cl == null ? null : cl.getCommandSpec().findOption(out.get(i));
            if (o == null || o.arity().max() == 0 || !PLACEHOLDER.matcher(out.get(i + 1)).matches()) {
                continue;
            }
            Class<?> type = o.type();
            String value = out.get(i + 1);
            if (type == int.class || type == Integer.class || type == double.class) {
                value = "3";
            } else if (type == Path.class) {
                value = "/tmp";
            } else if (value.contains("|")) {
                value = value.substring(0, value.indexOf('|'));
            }
            out.set(i + 1, value);
        }
        return out;
    }

    /** {@code tidegate} with {@code bench} under it, as the launcher builds it. */
    static CommandLine root() {
        CommandLine root = new CommandLine(CommandLine.Model.CommandSpec.create().name("tidegate"));
        root.addSubcommand("bench", CommandLines.of(new BenchCommand()));
        return root;
    }

    @Test
    void everyQuotedBenchLineParses() throws IOException {
        Map<String, String> lines = quotedLines();
        assertTrue(lines.size() >= 30, "found only " + lines.keySet());
        List<String> failures = new ArrayList<>();
        for (Map.Entry<String, String> e : lines.entrySet()) {
            List<String> args = withSamples(root(), words(e.getValue()));
            try {
                ParseResult parsed = root().parseArgs(args.toArray(String[]::new)).subcommand();
                if (!parsed.hasSubcommand() || !parsed.subcommand().commandSpec().name().equals(args.get(1))) {
                    failures.add(e.getKey() + ": no benchmark " + args.get(1));
                }
            } catch (CommandLine.ParameterException x) {
                failures.add(e.getKey() + " -> " + args + ": " + x.getMessage());
            }
        }
        assertEquals(List.of(), failures);
    }

    @Test
    void theLinesTheMeasurementsQuoteSetTheFields() {
        ParseResult p = root().parseArgs(words("tidegate bench gateway --samples-per-second 100000 --runs 3 --seconds 60"
                + " --backlog 100000 --settle 45 --jvm \"-XX:TieredStopAtLevel=1 -Xss512k -XX:ReservedCodeCacheSize=32m\""
                + " --console off").toArray(String[]::new));
        ParseResult gw = p.subcommand().subcommand();
        assertEquals("gateway", gw.commandSpec().name());
        assertEquals(100000, (int) gw.matchedOptionValue("--samples-per-second", 0));
        assertEquals("-XX:TieredStopAtLevel=1 -Xss512k -XX:ReservedCodeCacheSize=32m", gw.matchedOptionValue("--jvm", ""));
        assertEquals("off", gw.matchedOptionValue("--console", "on"));
        assertEquals(List.of(3, 60, 100000, 45), List.of(gw.matchedOptionValue("--runs", 0),
                gw.matchedOptionValue("--seconds", 0), gw.matchedOptionValue("--backlog", 0), gw.matchedOptionValue("--settle", 0)));
        for (String line : List.of("tidegate bench uplink --messages 100000 --runs 3 --inflight 128",
                "tidegate bench ingest --envelopes 10000 --runs 3")) {
            ParseResult r = root().parseArgs(words(line).toArray(String[]::new)).subcommand();
            assertTrue(r.subcommand().hasMatchedOption("--runs"), line);
        }
    }

    @Test
    void aBadValueIsAUsageMistakeAndNothingRuns() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = CommandLines.execute(root(), List.of("bench", "uplink", "--runs", "three"),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                c -> fail("a usage mistake must not run " + c.getCommandName()));
        assertEquals(2, code);
        String text = err.toString(StandardCharsets.UTF_8);
        assertTrue(text.startsWith("tidegate bench uplink: Invalid value for option '--runs': 'three' is not an int"), text);
        assertTrue(text.contains("--messages=N"), "the usage with the options follows: " + text);
        assertFalse(out.toString(StandardCharsets.UTF_8).contains("machine:"), "no header: nothing ran");
    }
}
