package org.tidegate.tests.probe;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.osgi.service.component.annotations.Component;
import org.tidegate.core.driver.ChannelReading;
import org.tidegate.core.driver.DeviceSession;
import org.tidegate.core.driver.FieldDriver;
import org.tidegate.core.driver.ReadStatus;
import org.tidegate.core.model.Channel;
import org.tidegate.core.config.DriverSchema;
import org.tidegate.core.model.Device;

/** Driver for protocol {@code memory}: every read returns the read count, so values visibly change. */
@Component(service = FieldDriver.class, property = FieldDriver.PROTOCOL_PROPERTY + "=memory")
public class ProbeDriver implements FieldDriver {
    static final AtomicLong OPEN_SESSIONS = new AtomicLong();

    @Override
    public String protocol() {
        return "memory";
    }

    @Override
    public DriverSchema schema() {
        return new ProbeDriverSchema();
    }

    @Override
    public DeviceSession open(Device device) {
        OPEN_SESSIONS.incrementAndGet();
        AtomicLong reads = new AtomicLong(device.settings(ProbeDriverSchema.ProbeSettings.class).startAt());
        return new DeviceSession() {
            @Override
            public List<ChannelReading> read(List<Channel> channels) {
                long n = reads.incrementAndGet();
                long now = System.currentTimeMillis();
                List<ChannelReading> out = new ArrayList<>();
                for (Channel c : channels) {
                    out.add(ChannelReading.ok(c, (double) n, now));
                }
                return out;
            }

            @Override
            public ChannelReading write(Channel channel, Object rawValue) {
                return ChannelReading.failed(channel, ReadStatus.UNSUPPORTED, "probe is read-only", System.currentTimeMillis());
            }

            @Override
            public void close() {
                OPEN_SESSIONS.decrementAndGet();
            }
        };
    }
}
