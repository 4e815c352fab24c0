package org.tidegate.launcher;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.tinylog.configuration.Configuration;
import org.tinylog.provider.ProviderRegistry;

/**
 * Configures tinylog once for the whole process (the OSGi bundles share the launcher's tinylog through
 * the system bundle): a console writer and, for a running gateway, a rolling file in {@code HOME/logs}
 * (10 MB per file, 5 kept) so that an SD card is neither filled nor worn by logs, or the journal alone under systemd;
 * and always, whatever else, the in-memory ring of the last lines ({@code org.tidegate.log},
 * read by remote management's {@code gateway.logs} and the console's log page).
 */
final class Logging {
    /** Lines with their date, as the file and the ring keep them. */
    private static final String DATED_FORMAT = "{date:yyyy-MM-dd HH:mm:ss.SSS} {level|min-size=5} [{thread}] {class-name}: {message}";
    /** The ring's bounds: a few thousand lines, and never more than 1 MiB of heap. */
    static final int RING_LINES = 5000;
    static final long RING_BYTES = 1L << 20;

    private static final java.util.concurrent.atomic.AtomicBoolean shutDown = new java.util.concurrent.atomic.AtomicBoolean();

    private Logging() {
    }

    /**
     * Whether stderr is the systemd journal ({@code JOURNAL_STREAM} names the stream systemd connected it to): the
     * journal then keeps, timestamps and rotates the log, and a file copy would only wear the SD card.
     */
    static boolean underJournal() {
        String stream = System.getenv("JOURNAL_STREAM");
        return stream != null && !stream.isBlank();
    }

    /** The journal only (stderr, without a timestamp: journald adds its own), for a gateway under systemd. */
    static void journal(String level) {
        Map<String, String> c = base(level);
        c.put("writerConsole.format", "{level|min-size=5} [{thread}] {class-name}: {message}");
        ring(c, level);
        apply(c);
    }

    /**
     * Console only, for short commands (validate, keygen, bench...), and the ring: {@code tidegate demo} runs a gateway
     * in this process, whose console log page reads it (it costs only what is logged).
     */
    static void console(String level) {
        Map<String, String> c = base(level);
        ring(c, level);
        apply(c);
    }

    /** Console and rolling file under {@code logDir}. */
    static void consoleAndFile(String level, Path logDir) {
        Map<String, String> c = base(level);
        c.put("writerFile", "rolling file");
        c.put("writerFile.level", level);
        c.put("writerFile.file", logDir.resolve("tidegate-{count}.log").toString());
        c.put("writerFile.latest", logDir.resolve("tidegate.log").toString());
        c.put("writerFile.format", DATED_FORMAT);
        c.put("writerFile.policies", "startup, size: 10mb");
        c.put("writerFile.backups", "5");
        c.put("writerFile.charset", "UTF-8");
        ring(c, level);
        apply(c);
    }

    /** The recent-log ring ({@code org.tidegate.log.internal.RecentLogWriter}, found by tinylog by its name). */
    private static void ring(Map<String, String> c, String level) {
        c.put("writerRing", "recent log");
        c.put("writerRing.level", level);
        c.put("writerRing.format", DATED_FORMAT);
        c.put("writerRing.lines", String.valueOf(RING_LINES));
        c.put("writerRing.bytes", String.valueOf(RING_BYTES));
    }

    private static Map<String, String> base(String level) {
        Map<String, String> c = new LinkedHashMap<>();
        // tinylog's own shutdown hook would close the writers while ours is still stopping the framework,
        // losing exactly the lines that say the stop was clean: we shut logging down ourselves, last.
        c.put("autoshutdown", "false");
        c.put("level", level);
        c.put("writerConsole", "console");
        c.put("writerConsole.level", level);
        c.put("writerConsole.stream", "err");
        c.put("writerConsole.format", "{date:HH:mm:ss.SSS} {level|min-size=5} {class-name}: {message}");
        // Third-party chatter (Felix, Pi4J, Paho; j2mod and Moquette in the bench and demo) at warn unless asked for more.
        if (!level.equals("debug") && !level.equals("trace")) {
            c.put("level@com.ghgande", "warn");
            c.put("level@org.eclipse.paho", "warn");
            // Pi4J logs an ERROR on every machine that is not a Raspberry Pi (no /proc/device-tree/model).
            c.put("level@com.pi4j.boardinfo", "off");
        }
        return c;
    }

    private static void apply(Map<String, String> c) {
        if (Configuration.isFrozen()) {
            return;
        }
        Configuration.replace(c);
    }

    /** Flushes and closes the writers: the last call before the process exits. */
    static void shutdown() {
        if (!shutDown.compareAndSet(false, true)) {
            return;
        }
        try {
            ProviderRegistry.getLoggingProvider().shutdown();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
