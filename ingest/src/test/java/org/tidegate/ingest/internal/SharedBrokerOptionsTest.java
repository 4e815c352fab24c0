package org.tidegate.ingest.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.tidegate.cloud.BrokerConnection;
import org.tidegate.cloud.cli.BrokerOptions;
import org.tidegate.cloud.internal.ReceiveCommand;
import org.tidegate.cloud.internal.SendCommand;
import org.tidegate.core.cli.CommandLines;
import org.tidegate.core.cli.PicocliCommand;
import picocli.CommandLine;

/**
 * {@code ingest}, {@code receive} and {@code command} take the broker options from one mixin: the same names, the
 * same resolved connection, the same error for a bad value.
 */
class SharedBrokerOptionsTest {
    static final List<String> BROKER = List.of("--broker", "tcp://127.0.0.1:1883", "--ca", "/etc/tidegate/ca.crt",
            "--username", "site-7", "--password-env", "PATH", "--prefix", "city");

    /** Each command's own required options, so that only the broker options differ from one to the other. */
    static List<String> own(PicocliCommand c) {
        if (c instanceof IngestCommand) {
            return List.of("--db", "jdbc:postgresql://127.0.0.1/x", "--key", "k.pem", "--trust", "t");
        }
        if (c instanceof ReceiveCommand) {
            return List.of("--key", "k.pem", "--trust", "t");
        }
        return List.of("--key", "k.pem", "--gateway", "gw-1", "--gateway-key", "g.pem", "--seq-file", "seq", "{\"op\":\"ping\"}");
    }

    static List<PicocliCommand> commands() {
        return List.of(new IngestCommand(), new ReceiveCommand(), new SendCommand());
    }

    static BrokerOptions parse(PicocliCommand command, List<String> broker) {
        CommandLine cl = CommandLines.of(command);
        List<String> args = new ArrayList<>(broker);
        args.addAll(own(command));
        cl.parseArgs(args.toArray(String[]::new));
        return (BrokerOptions) cl.getCommandSpec().mixins().values().stream()
                .map(m -> m.userObject()).filter(o -> o instanceof BrokerOptions).findFirst().orElseThrow();
    }

    @Test
    void everyCloudCommandResolvesTheBrokerOptionsAlike() throws Exception {
        String path = System.getenv("PATH");
        assertNotNull(path, "the test reads the password from PATH, which every test JVM has");
        for (PicocliCommand c : commands()) {
            BrokerOptions b = parse(c, BROKER);
            String what = c.getClass().getSimpleName();
            assertEquals("tcp://127.0.0.1:1883", b.url(), what);
            assertEquals(Path.of("/etc/tidegate/ca.crt"), b.ca(), what);
            assertEquals("site-7", b.username(), what);
            assertEquals(path, b.password(), what);
            assertEquals("city", b.prefix(), what);
            BrokerConnection conn = b.connection("probe");
            assertEquals("tcp://127.0.0.1:1883", conn.url(), what);
            assertEquals("site-7", conn.username(), what);
            assertEquals(path, conn.password(), what);
            assertSame(null, conn.tls(), what + ": --ca only applies to ssl://");
            assertTrue(conn.clientId().startsWith("probe-"), what);
            assertEquals("tidegate", parse(c, List.of("--broker", "ssl://h:8883")).prefix(), what + " default prefix");
        }
    }

    @Test
    void theBrokerOptionsAreDeclaredOnceWithOneDescription() {
        List<String> reference = null;
        for (PicocliCommand c : commands()) {
            List<String> broker = CommandLines.of(c).getCommandSpec().options().stream()
                    .filter(o -> List.of("--broker", "--ca", "--username", "--password-env", "--prefix").contains(o.longestName()))
                    .map(o -> o.longestName() + " " + o.paramLabel() + " " + o.required() + " " + String.join(" ", o.description())
                            + " " + o.defaultValue())
                    .sorted().collect(Collectors.toList());
            assertEquals(5, broker.size(), c.getClass() + " " + broker);
            if (reference == null) {
                reference = broker;
            }
            assertEquals(reference, broker, c.getClass().getSimpleName());
        }
    }

    @Test
    void aBadBrokerIsTheSameUsageMistakeForEveryCommand() {
        List<String> messages = new ArrayList<>();
        for (PicocliCommand c : commands()) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            List<String> args = new ArrayList<>(List.of("--broker", "http://127.0.0.1:1883"));
            args.addAll(own(c));
            String name = CommandLines.of(c).getCommandName();
            int code = CommandLines.execute(c, args, new PrintStream(out, true, StandardCharsets.UTF_8),
                    new PrintStream(err, true, StandardCharsets.UTF_8));
            assertEquals(2, code, name);
            String first = err.toString(StandardCharsets.UTF_8).lines().findFirst().orElse("");
            String prefix = "tidegate " + name + ": ";
            assertTrue(first.startsWith(prefix), first);
            messages.add(first.substring(prefix.length()));
            assertFalse(out.toString(StandardCharsets.UTF_8).contains("SUBSCRIBED"), name + " must not start");
        }
        assertEquals("--broker must be tcp://host:port or ssl://host:port, got http://127.0.0.1:1883", messages.get(0));
        assertEquals(List.of(messages.get(0), messages.get(0), messages.get(0)), messages);
    }
}
