package org.tidegate.console.internal;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The end of the gateway's log file ({@code HOME/logs/tidegate.log}): at most the last 64 KiB, whole lines. */
final class LogTail {
    static final int MAX_BYTES = 64 * 1024;
    static final int MAX_LINES = 500;

    private LogTail() {
    }

    static Path file(Path home) {
        return home.resolve("logs").resolve("tidegate.log");
    }

    static List<String> lines(Path home, int wanted) throws IOException {
        Path f = file(home);
        if (!Files.isRegularFile(f)) {
            return List.of();
        }
        int n = Math.max(1, Math.min(wanted, MAX_LINES));
        byte[] buf;
        boolean cut;
        try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "r")) {
            long len = raf.length();
            long from = Math.max(0, len - MAX_BYTES);
            cut = from > 0;
            buf = new byte[(int) (len - from)];
            raf.seek(from);
            raf.readFully(buf);
        }
        String[] all = new String(buf, StandardCharsets.UTF_8).split("\n");
        List<String> out = new ArrayList<>();
        int start = cut ? 1 : 0; // the first line was cut in the middle
        for (int i = Math.max(start, all.length - n); i < all.length; i++) {
            if (!all[i].isEmpty()) {
                out.add(all[i]);
            }
        }
        return out;
    }
}
