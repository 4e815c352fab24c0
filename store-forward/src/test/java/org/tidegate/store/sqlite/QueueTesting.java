package org.tidegate.store.sqlite;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.tidegate.store.StoredMessage;

/** Small helpers shared by the queue tests. */
final class QueueTesting {
    private QueueTesting() {
    }

    static QueueOptions options(Path dir) {
        return QueueOptions.defaults(dir.resolve("queue.db")).withRetryInterval(Duration.ofMillis(200));
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static String text(StoredMessage m) {
        return new String(m.payload(), StandardCharsets.UTF_8);
    }

    static List<String> texts(List<StoredMessage> ms) {
        List<String> out = new ArrayList<>();
        for (StoredMessage m : ms) {
            out.add(text(m));
        }
        return out;
    }

    /** Takes until empty and acknowledges everything; returns the payload texts in hand-out order. */
    static List<String> drain(SqliteQueue q) {
        List<String> out = new ArrayList<>();
        while (true) {
            List<StoredMessage> batch = q.takeBatch(7);
            if (batch.isEmpty()) {
                return out;
            }
            out.addAll(texts(batch));
            q.acknowledge(batch.stream().map(StoredMessage::id).toList());
        }
    }
}
