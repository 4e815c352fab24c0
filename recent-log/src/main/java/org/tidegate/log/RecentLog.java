package org.tidegate.log;

import java.util.List;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The gateway's last log lines, kept in memory whatever else the log goes to (a file, the systemd journal, both):
 * remote management's {@code gateway.logs} and the console's log page read it. One per process, registered as a
 * service by the launcher. Lines are as the log's file writer formats them, with a date; bounded in lines and bytes;
 * a line never holds a secret (the gateway does not log them, and the ring masks what looks like one on the way in).
 */
@ProviderType
public interface RecentLog {

    /** The most lines one call returns. */
    int MAX_LINES = 1000;

    /** The last {@code n} lines (1 to {@link #MAX_LINES}; other values are clamped), oldest first. */
    List<String> last(int n);

    /** Lines in the ring now. */
    int lines();

    /** Lines dropped from the ring since the start to stay within its bounds. */
    long dropped();
}
