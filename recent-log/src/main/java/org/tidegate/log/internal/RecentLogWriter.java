package org.tidegate.log.internal;

import java.util.Map;
import org.tinylog.core.LogEntry;
import org.tinylog.writers.AbstractFormatPatternWriter;

/**
 * The tinylog writer that fills the process's {@link LineRing} ({@code writerRing = recent log} in tinylog's
 * configuration; the launcher adds it to every gateway run, beside the file or the journal). Properties besides
 * tinylog's usual {@code format} and {@code level}: {@code lines} and {@code bytes}, the ring's bounds.
 */
public final class RecentLogWriter extends AbstractFormatPatternWriter {
    private final LineRing ring;

    public RecentLogWriter(Map<String, String> properties) {
        super(properties);
        this.ring = LineRing.process();
        ring.bounds(intOf(properties, "lines", LineRing.DEFAULT_LINES),
                longOf(properties, "bytes", LineRing.DEFAULT_BYTES));
    }

    @Override
    public void write(LogEntry logEntry) {
        String text = render(logEntry);
        // an entry with an exception is several lines: each is a line of the ring
        int from = 0;
        for (int i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', from)) {
            add(text, from, i);
            from = i + 1;
        }
        add(text, from, text.length());
    }

    private void add(String text, int from, int to) {
        if (to > from && text.charAt(to - 1) == '\r') {
            to--;
        }
        if (to > from) {
            ring.add(text.substring(from, to));
        }
    }

    @Override
    public void flush() {
        // in memory: nothing to flush
    }

    @Override
    public void close() {
        // the ring outlives the writer: the log is still readable while the process shuts down
    }

    private static int intOf(Map<String, String> p, String key, int dflt) {
        return (int) longOf(p, key, dflt);
    }

    private static long longOf(Map<String, String> p, String key, long dflt) {
        String v = p.get(key);
        if (v == null || v.isBlank()) {
            return dflt;
        }
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("tinylog recent log writer: " + key + " must be a number: " + v);
        }
    }
}
