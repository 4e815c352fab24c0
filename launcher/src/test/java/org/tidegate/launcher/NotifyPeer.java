package org.tidegate.launcher;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assertions;

/**
 * A service manager's end of the notify protocol for tests: a Unix datagram socket bound by Python (the JDK cannot
 * bind one), printing every datagram it receives as one line; the messages are collected here with the time seen.
 */
final class NotifyPeer implements AutoCloseable {
    private static final String SCRIPT = """
            import os, socket, sys
            path = sys.argv[1]
            s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
            s.bind(path)
            print("BOUND", flush=True)
            while True:
                m = s.recv(65536).decode("utf-8", "replace")
                print(m.replace("\\n", "|"), flush=True)
            """;

    /** One datagram, newlines shown as '|', and when it arrived (System.nanoTime()). */
    record Message(String text, long atNanos) {
    }

    final Path socket;
    private final Process process;
    final List<Message> messages = new CopyOnWriteArrayList<>();

    NotifyPeer(Path dir) throws IOException, InterruptedException {
        String python = Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3" : "python3";
        if (!Files.isExecutable(Path.of(python)) && System.getenv("CI") != null) {
            Assertions.fail("python3 is needed for the notify socket peer (apt-get install python3)");
        }
        socket = dir.resolve("notify.sock");
        process = new ProcessBuilder(python, "-c", SCRIPT, socket.toString()).redirectErrorStream(true).start();
        BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        String first = in.readLine();
        Assertions.assertEquals("BOUND", first, "the python notify peer did not start");
        Thread reader = new Thread(() -> {
            try {
                for (String line; (line = in.readLine()) != null; ) {
                    messages.add(new Message(line, System.nanoTime()));
                }
            } catch (IOException e) {
                // peer closed
            }
        }, "notify-peer");
        reader.setDaemon(true);
        reader.start();
    }

    long count(String text) {
        return messages.stream().filter(m -> m.text().equals(text)).count();
    }

    /** Waits (bounded) until a message equal to {@code text}, or starting with it when it ends in '*', arrived. */
    boolean await(String text, long seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline) {
            if (messages.stream().anyMatch(m -> text.endsWith("*") ? m.text().startsWith(text.substring(0, text.length() - 1))
                    : m.text().equals(text))) {
                return true;
            }
            Thread.sleep(50);
        }
        return false;
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}
