package org.tidegate.uplink.mqtt;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.tidegate.core.log.RateLimitedLog;
import org.tinylog.Logger;

/**
 * The bounded hand-over from the MQTT receive thread to the command thread: {@link #accept} never blocks and never
 * allocates beyond the frame it is given; when {@link #capacity()} frames are already waiting, the frame is refused
 * with reason {@code QUEUE_FULL} (counted, logged rate-limited, not answered: it has not been verified); from
 * {@value #SCREEN_FROM} waiting, frames that fail the checks costing no cryptography are dropped first. One thread
 * of its own runs the {@link CommandProcessor}. A flood of junk therefore costs the gateway at most
 * {@code capacity} frames of memory, and the broker's receive thread and PUBACKs are never held up.
 */
public final class CommandQueue implements Consumer<byte[]>, AutoCloseable {
    /** Default bound: commands are rare; a legitimate burst from the cloud is a handful. */
    public static final int DEFAULT_CAPACITY = 64;
    /**
     * From this many frames waiting, each new one is first screened without cryptography (CommandProcessor#screenedOut):
     * junk and copies of old commands are dropped there, so a flood leaves room for a genuine command. Below it every
     * frame is verified, and a signed replayed or stale one is answered.
     */
    static final int SCREEN_FROM = 8;

    private final BlockingQueue<byte[]> frames;
    private final Consumer<byte[]> processor;
    private final CommandProcessor commandProcessor;
    private final RateLimitedLog log;
    private final AtomicLong refusedFull = new AtomicLong();
    private final Thread thread;
    private volatile boolean running = true;

    /** In front of {@code processor}, sharing its rate-limited log. */
    public CommandQueue(CommandProcessor processor, int capacity) {
        this(processor, processor, capacity, processor.log());
    }

    public CommandQueue(Consumer<byte[]> processor, int capacity, RateLimitedLog log) {
        this(processor, null, capacity, log);
    }

    private CommandQueue(Consumer<byte[]> processor, CommandProcessor commandProcessor, int capacity,
                         RateLimitedLog log) {
        this.commandProcessor = commandProcessor;
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be positive");
        }
        this.frames = new ArrayBlockingQueue<>(capacity);
        this.processor = processor;
        this.log = log;
        this.thread = new Thread(this::run, "tidegate-uplink-commands");
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public void accept(byte[] frame) {
        if (!running) {
            return;
        }
        if (commandProcessor != null && frames.size() >= SCREEN_FROM && commandProcessor.screenedOut(frame)) {
            return;
        }
        if (!frames.offer(frame)) {
            long n = refusedFull.incrementAndGet();
            log.warn("QUEUE_FULL", "uplink: command refused: reason=QUEUE_FULL: {} frames are waiting already"
                    + " ({} refused so)", frames.size(), n);
        }
    }

    private void run() {
        while (running) {
            byte[] frame;
            try {
                frame = frames.poll(200, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                return;
            }
            if (frame == null) {
                continue;
            }
            try {
                processor.accept(frame);
            } catch (RuntimeException e) {
                Logger.error(e, "uplink: command handling failed");
            }
        }
    }

    public int capacity() {
        return frames.remainingCapacity() + frames.size();
    }

    /** The processor behind this queue, if it was made with one. */
    public CommandProcessor processor() {
        return commandProcessor;
    }

    /** Frames refused because the queue was full. */
    public long refusedFull() {
        return refusedFull.get();
    }

    /** Frames waiting now. */
    public int waiting() {
        return frames.size();
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        frames.clear();
    }
}
