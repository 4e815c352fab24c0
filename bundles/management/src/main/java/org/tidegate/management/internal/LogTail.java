package org.tidegate.management.internal;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The last lines of the gateway's log ({@code HOME/logs/tidegate.log}) for {@code gateway.logs}. The gateway never
 * logs secrets; as a second line of defence, a line is masked after any {@code password}, {@code secret} or
 * {@code token} word, PEM blocks are dropped, and lines are cut at {@value #MAX_LINE_CHARS} characters. Reads at most
 * {@value #MAX_TAIL_BYTES} bytes from the end of the file.
 */
final class LogTail {
    static final int MAX_LINES = 500;
    static final int MAX_LINE_CHARS = 1000;
    static final int MAX_TAIL_BYTES = 512 * 1024;
    private static final Pattern SECRET = Pattern.compile("(?i)((password|passwd|secret|token)[A-Za-z_.-]*\"?\\s*[=:]?\\s*\"?)[^\\s\",}]+");

    private LogTail() {
    }

    static List<String> last(Path log, int n) throws IOException {
        int want = Math.max(1, Math.min(n, MAX_LINES));
        if (!Files.exists(log)) {
            return List.of();
        }
        byte[] tail;
        try (RandomAccessFile f = new RandomAccessFile(log.toFile(), "r")) {
            long len = f.length();
            int size = (int) Math.min(len, MAX_TAIL_BYTES);
            tail = new byte[size];
            f.seek(len - size);
            f.readFully(tail);
        }
        String[] lines = new String(tail, StandardCharsets.UTF_8).split("\n");
        List<String> out = new ArrayList<>();
        for (int i = Math.max(0, lines.length - want); i < lines.length; i++) {
            String l = clean(lines[i]);
            if (l != null) {
                out.add(l);
            }
        }
        return out;
    }

    static String clean(String line) {
        if (line.contains("-----BEGIN") || line.contains("PRIVATE KEY")) {
            return null;
        }
        String masked = SECRET.matcher(line).replaceAll("$1***");
        return masked.length() > MAX_LINE_CHARS ? masked.substring(0, MAX_LINE_CHARS) + "…" : masked;
    }
}
