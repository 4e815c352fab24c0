package org.tidegate.core.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.tidegate.core.driver.ChannelReading;
import org.tidegate.core.driver.DeviceSession;
import org.tidegate.core.driver.FieldDriver;
import org.tidegate.core.driver.ReadStatus;
import org.tidegate.core.model.Channel;
import org.tidegate.core.model.Device;

/**
 * A driver whose devices are maps in memory: values are set with {@link #set}, failures injected with
 * {@link #fail}, and every read and write is counted. For tests only (protocol {@value #PROTOCOL}, which exists
 * nowhere else); the in-framework tests use the probe bundle's own driver.
 */
public class InMemoryDriver implements FieldDriver {
    public static final String PROTOCOL = "memory";

    private final Map<String, Object> values = new ConcurrentHashMap<>();
    private final Map<String, ReadStatus> failures = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> reads = new ConcurrentHashMap<>();
    private final List<String> writes = java.util.Collections.synchronizedList(new ArrayList<>());
    private volatile long readDelayMillis;

    @Override
    public String protocol() {
        return PROTOCOL;
    }

    public void set(String device, String channel, Object raw) {
        values.put(device + "/" + channel, raw);
    }

    /** Makes every read of {@code device} fail with {@code status}; null heals it. */
    public void fail(String device, ReadStatus status) {
        if (status == null) {
            failures.remove(device);
        } else {
            failures.put(device, status);
        }
    }

    /** Makes every read block for {@code millis} first (a slow device). */
    public void readDelay(long millis) {
        this.readDelayMillis = millis;
    }

    public long reads(String device) {
        AtomicLong n = reads.get(device);
        return n == null ? 0 : n.get();
    }

    public List<String> writes() {
        synchronized (writes) {
            return List.copyOf(writes);
        }
    }

    @Override
    public DeviceSession open(Device device) {
        String id = device.id();
        return new DeviceSession() {
            @Override
            public List<ChannelReading> read(List<Channel> channels) {
                reads.computeIfAbsent(id, k -> new AtomicLong()).incrementAndGet();
                long delay = readDelayMillis;
                if (delay > 0 && id.startsWith("slow")) {
                    try {
                        Thread.sleep(delay);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                long now = System.currentTimeMillis();
                ReadStatus failure = failures.get(id);
                List<ChannelReading> out = new ArrayList<>(channels.size());
                for (Channel c : channels) {
                    Object v = values.get(id + "/" + c.id());
                    if (failure != null) {
                        out.add(ChannelReading.failed(c, failure, "injected", now));
                    } else if (v == null) {
                        out.add(ChannelReading.failed(c, ReadStatus.DEVICE_EXCEPTION, "no value set", now));
                    } else {
                        out.add(ChannelReading.ok(c, v, now));
                    }
                }
                return out;
            }

            @Override
            public ChannelReading write(Channel channel, Object rawValue) {
                values.put(id + "/" + channel.id(), rawValue);
                writes.add(id + "/" + channel.id() + "=" + rawValue);
                return ChannelReading.ok(channel, rawValue, System.currentTimeMillis());
            }

            @Override
            public void close() {
            }
        };
    }
}
