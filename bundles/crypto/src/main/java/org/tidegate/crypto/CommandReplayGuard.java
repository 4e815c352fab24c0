package org.tidegate.crypto;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;
import org.tidegate.crypto.internal.AtomicFiles;

/**
 * Refuses commands that are not strictly newer than the last command accepted from the same sender
 * ({@link EnvelopeException.Reason#REPLAYED}) or that were created outside ±window of the receiver's clock
 * ({@link EnvelopeException.Reason#STALE}). The last accepted sequence per sender is persisted in a small
 * JSON file, written atomically (temporary file, fsync, rename, fsync of the directory) before a command is
 * admitted, so a restart or power loss cannot reopen the door to a replay. Thread-safe.
 */
public final class CommandReplayGuard {
    /** The gateway.json {@code security.commandWindowSeconds} default. */
    public static final Duration DEFAULT_WINDOW =
            Duration.ofSeconds(org.tidegate.crypto.internal.SecuritySection.DEFAULT_COMMAND_WINDOW_SECONDS);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path stateFile;
    private final Duration window;
    /** Sorted (the file lists senders in order); concurrent, so that {@link #refusal} never waits for a save's fsync. */
    private final Map<String, Long> lastAccepted = new java.util.concurrent.ConcurrentSkipListMap<>();

    /**
     * @param stateFile where the state lives; read now if it exists (its directory must exist)
     * @throws IOException if the file exists but cannot be read or parsed: refusing to start is safer than
     *                     silently forgetting which commands were already executed
     */
    public CommandReplayGuard(Path stateFile, Duration window) throws IOException {
        this.stateFile = stateFile.toAbsolutePath();
        this.window = window;
        if (window.isNegative()) {
            throw new IllegalArgumentException("window must not be negative");
        }
        if (Files.exists(this.stateFile)) {
            load();
        }
    }

    public CommandReplayGuard(Path stateFile) throws IOException {
        this(stateFile, DEFAULT_WINDOW);
    }

    /**
     * Admits a command or refuses it. On admission the new state is on disk before this returns.
     * Replay is checked before freshness: an old command sent again is reported as REPLAYED.
     *
     * @param nowMillis the receiver's clock
     * @throws EnvelopeException REPLAYED or STALE
     * @throws IOException       if the state could not be written; the command is then not admitted
     */
    public synchronized void admit(String sender, long sequence, long createdAtMillis, long nowMillis)
            throws EnvelopeException, IOException {
        refusal(sender, sequence, createdAtMillis, nowMillis);
        Long last = lastAccepted.get(sender);
        lastAccepted.put(sender, sequence);
        try {
            save();
        } catch (IOException e) {
            if (last == null) {
                lastAccepted.remove(sender);
            } else {
                lastAccepted.put(sender, last);
            }
            throw e;
        }
    }

    /**
     * What {@link #admit} would refuse, without admitting anything: for a frame not yet verified (screening a flood),
     * so it changes no state.
     *
     * @throws EnvelopeException REPLAYED or STALE
     */
    public void refusal(String sender, long sequence, long createdAtMillis, long nowMillis)
            throws EnvelopeException {
        Long last = lastAccepted.get(sender);
        if (last != null && Long.compareUnsigned(sequence, last) <= 0) {
            throw new EnvelopeException(EnvelopeException.Reason.REPLAYED, sender, "command sequence "
                    + Long.toUnsignedString(sequence) + " is not newer than the last accepted "
                    + Long.toUnsignedString(last));
        }
        if (outsideWindow(createdAtMillis, nowMillis, window.toMillis())) {
            // created < now: now - created fits in 64 unsigned bits, whatever the two values are (and vice versa)
            String skew = createdAtMillis < nowMillis
                    ? Long.toUnsignedString(nowMillis - createdAtMillis) + " ms before"
                    : Long.toUnsignedString(createdAtMillis - nowMillis) + " ms after";
            throw new EnvelopeException(EnvelopeException.Reason.STALE, sender, "command created " + skew
                    + " this clock; window is ±" + window.toMillis() + " ms");
        }
    }

    /**
     * Whether {@code created} lies outside {@code now ± window}, without overflow: the bounds saturate at
     * {@code Long.MIN_VALUE}/{@code MAX_VALUE} instead of wrapping ({@code Math.abs(created - now)} wraps for
     * distances beyond 2^63 and {@code Math.abs(Long.MIN_VALUE)} is negative, which would admit such a command).
     */
    static boolean outsideWindow(long created, long now, long window) {
        long lo = now < Long.MIN_VALUE + window ? Long.MIN_VALUE : now - window;
        long hi = now > Long.MAX_VALUE - window ? Long.MAX_VALUE : now + window;
        return created < lo || created > hi;
    }

    public synchronized OptionalLong lastAccepted(String sender) {
        Long v = lastAccepted.get(sender);
        return v == null ? OptionalLong.empty() : OptionalLong.of(v);
    }

    public Path stateFile() {
        return stateFile;
    }

    public Duration window() {
        return window;
    }

    private void load() throws IOException {
        try {
            JsonNode root = JSON.readTree(stateFile.toFile());
            JsonNode m = root == null ? null : root.get("lastAccepted");
            if (m == null || !m.isObject()) {
                throw new IOException("no \"lastAccepted\" object");
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = m.fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> e = it.next();
                lastAccepted.put(e.getKey(), Long.parseUnsignedLong(e.getValue().asText()));
            }
        } catch (IOException | NumberFormatException e) {
            throw new IOException("command replay state " + stateFile + " is unreadable (" + e.getMessage()
                    + "); refusing to start rather than forget accepted commands: fix or remove the file", e);
        }
    }

    private void save() throws IOException {
        ObjectNode root = JSON.createObjectNode();
        root.put("version", 1);
        ObjectNode m = root.putObject("lastAccepted");
        lastAccepted.forEach((k, v) -> m.put(k, Long.toUnsignedString(v)));
        AtomicFiles.write(stateFile, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root), null, true);
    }
}
