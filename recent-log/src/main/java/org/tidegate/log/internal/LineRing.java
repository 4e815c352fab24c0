package org.tidegate.log.internal;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.regex.Pattern;
import org.tidegate.log.RecentLog;

/**
 * A bounded ring of log lines: at most {@code maxLines} lines and {@code maxBytes} bytes (UTF-8) of them; the oldest
 * go first. Each line is cut at {@value #MAX_LINE_CHARS} characters, and what looks like a secret is masked on the way
 * in, so the ring never holds one: the value after a {@code password}, {@code secret} or {@code token} word, and PEM
 * lines (the gateway does not log secrets; this is the second line of defence, for whatever the ring is shown to).
 *
 * <p>One ring per process ({@link #process()}): tinylog creates the {@link RecentLogWriter} on the launcher's class
 * path, and the launcher registers the same ring as the {@link RecentLog} service.
 */
public final class LineRing implements RecentLog {
    public static final int DEFAULT_LINES = 5000;
    public static final long DEFAULT_BYTES = 1L << 20;
    static final int MAX_LINE_CHARS = 1000;
    private static final Pattern SECRET = Pattern.compile(
            "(?i)((password|passwd|secret|token)[A-Za-z_.-]*\"?\\s*[=:]?\\s*\"?)[^\\s\",}]+");
    private static final LineRing PROCESS = new LineRing(DEFAULT_LINES, DEFAULT_BYTES);

    private final ArrayDeque<String> lines = new ArrayDeque<>();
    private int maxLines;
    private long maxBytes;
    private long bytes;
    private long dropped;

    public LineRing(int maxLines, long maxBytes) {
        bounds(maxLines, maxBytes);
    }

    /** The process's ring: the one the writer fills and the launcher registers. */
    public static LineRing process() {
        return PROCESS;
    }

    /** Sets the bounds (dropping the oldest lines if it holds more). */
    public synchronized void bounds(int maxLines, long maxBytes) {
        if (maxLines < 1 || maxBytes < MAX_LINE_CHARS * 4L) {
            throw new IllegalArgumentException("a log ring needs at least 1 line and " + MAX_LINE_CHARS * 4
                    + " bytes: " + maxLines + " lines, " + maxBytes + " bytes");
        }
        this.maxLines = maxLines;
        this.maxBytes = maxBytes;
        trim();
    }

    /** Adds one line (no line break in it), masked and cut. */
    public void add(String line) {
        String clean = clean(line);
        if (clean == null) {
            return;
        }
        long size = clean.getBytes(StandardCharsets.UTF_8).length;
        synchronized (this) {
            lines.addLast(clean);
            bytes += size;
            trim();
        }
    }

    private void trim() {
        while (lines.size() > maxLines || bytes > maxBytes) {
            bytes -= lines.removeFirst().getBytes(StandardCharsets.UTF_8).length;
            dropped++;
        }
    }

    /** @return the line as the ring keeps it, or null for a line it does not keep (PEM) */
    static String clean(String line) {
        if (line.contains("-----BEGIN") || line.contains("-----END") || line.contains("PRIVATE KEY")) {
            return null;
        }
        String masked = SECRET.matcher(line).replaceAll("$1***");
        return masked.length() > MAX_LINE_CHARS ? masked.substring(0, MAX_LINE_CHARS) + "…" : masked;
    }

    @Override
    public List<String> last(int n) {
        int want = Math.max(1, Math.min(n, MAX_LINES));
        synchronized (this) {
            List<String> out = new ArrayList<>(Math.min(want, lines.size()));
            Iterator<String> newestFirst = lines.descendingIterator();
            while (out.size() < want && newestFirst.hasNext()) {
                out.add(newestFirst.next());
            }
            java.util.Collections.reverse(out);
            return out;
        }
    }

    @Override
    public synchronized int lines() {
        return lines.size();
    }

    /** Bytes (UTF-8) the lines take now. */
    public synchronized long bytes() {
        return bytes;
    }

    @Override
    public synchronized long dropped() {
        return dropped;
    }
}
