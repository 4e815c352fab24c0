package org.tidegate.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/** A MessageSink that records what it is given, and can be made to refuse everything ("down"). */
public final class RecordingSink implements MessageSink {
    private static final ObjectMapper JSON = new ObjectMapper();

    public record Message(MessageKind kind, String device, int priority, long seq, JsonNode body) {
        public String text(String field) {
            JsonNode n = body.get(field);
            return n == null ? null : n.asText();
        }
    }

    private final List<Message> messages = new ArrayList<>();
    private final AtomicLong seq = new AtomicLong();
    private final AtomicInteger refusals = new AtomicInteger();
    private volatile boolean down;

    public void down(boolean down) {
        this.down = down;
    }

    public int refusals() {
        return refusals.get();
    }

    @Override
    public long submit(MessageKind kind, String device, int priority, byte[] body) {
        if (down) {
            refusals.incrementAndGet();
            throw new IllegalStateException("sink down");
        }
        JsonNode tree;
        try {
            tree = JSON.readTree(body);
        } catch (IOException e) {
            throw new AssertionError("body is not JSON: " + new String(body, java.nio.charset.StandardCharsets.UTF_8), e);
        }
        synchronized (messages) {
            long n = seq.incrementAndGet();
            messages.add(new Message(kind, device, priority, n, tree));
            messages.notifyAll();
            return n;
        }
    }

    public List<Message> messages() {
        synchronized (messages) {
            return List.copyOf(messages);
        }
    }

    public List<Message> messages(MessageKind kind) {
        return messages().stream().filter(m -> m.kind() == kind).toList();
    }

    /** Waits (up to 20 s) until at least {@code n} recorded messages match; returns them. */
    public List<Message> await(Predicate<Message> which, int n) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 20_000;
        synchronized (messages) {
            while (true) {
                List<Message> hits = messages.stream().filter(which).toList();
                if (hits.size() >= n) {
                    return hits;
                }
                long left = deadline - System.currentTimeMillis();
                if (left <= 0) {
                    throw new AssertionError("waited 20 s for " + n + " matching messages; have " + messages);
                }
                messages.wait(left);
            }
        }
    }
}
