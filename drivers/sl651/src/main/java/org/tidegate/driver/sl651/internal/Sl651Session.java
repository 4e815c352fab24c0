package org.tidegate.driver.sl651.internal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.tidegate.core.driver.ChannelReading;
import org.tidegate.core.driver.DeviceSession;
import org.tidegate.core.driver.ReadStatus;
import org.tidegate.core.model.Channel;
import org.tidegate.driver.sl651.Sl651ChannelSettings;
import org.tidegate.driver.sl651.Sl651Settings;
import org.tidegate.driver.sl651.codec.Element;
import org.tidegate.driver.sl651.codec.Report;
import org.tinylog.Logger;

/**
 * One station, as its device sees it. The station reports when it wants; a poll hands over what arrived since the
 * last one: every element of every report that a channel names becomes a reading stamped with the element's
 * observation time (in the station's zone), so a poll may carry several readings of one channel (a timed and an
 * added report) or none (nothing arrived). A station silent for longer than its {@code reportTimeout} makes
 * every channel {@link ReadStatus#TIMEOUT} each poll until it reports again.
 */
public final class Sl651Session implements DeviceSession {
    private final String deviceId;
    private final Sl651Settings settings;
    private final StationInbox inbox;
    private final Receiver receiver;
    private final Runnable release;
    private final long openedNanos = System.nanoTime();
    private volatile boolean closed;
    private volatile Runnable onClosed = () -> { };
    private boolean silentReported;

    Sl651Session(String deviceId, Sl651Settings settings, StationInbox inbox, Receiver receiver, Runnable release) {
        this.deviceId = deviceId;
        this.settings = settings;
        this.inbox = inbox;
        this.receiver = receiver;
        this.release = release;
    }

    public void onClosed(Runnable r) {
        onClosed = r;
    }

    @Override
    public synchronized List<ChannelReading> read(List<Channel> channels) {
        long now = System.currentTimeMillis();
        if (closed) {
            return failAll(channels, ReadStatus.NOT_CONNECTED, "session closed", now);
        }
        List<StationInbox.Received> reports = inbox.drain();
        if (reports.isEmpty()) {
            long since = inbox.everHeard() ? inbox.lastHeardNanos() : openedNanos;
            long silentMs = (System.nanoTime() - since) / 1_000_000L;
            if (silentMs < settings.reportTimeout().toMillis()) {
                return List.of();
            }
            String problem = receiver.problem();
            ReadStatus status = problem.isEmpty() ? ReadStatus.TIMEOUT : ReadStatus.NOT_CONNECTED;
            String why = "no frame from station " + settings.station() + " on " + receiver.where() + " for " + silentMs / 1000
                    + " s (reportTimeoutSeconds " + settings.reportTimeout().toSeconds() + ")" + (problem.isEmpty() ? "" : ": " + problem);
            if (!silentReported) {
                inbox.count(status);
                Logger.warn("device={} {}", deviceId, why);
                silentReported = true;
            }
            return failAll(channels, status, why, now);
        }
        if (silentReported) {
            Logger.info("device={} station={} reporting again", deviceId, settings.station());
            silentReported = false;
        }
        Map<Integer, List<Channel>> byElement = new HashMap<>();
        for (Channel c : channels) {
            if (c.settings() instanceof Sl651ChannelSettings s) {
                byElement.computeIfAbsent(s.element(), k -> new ArrayList<>()).add(c);
            }
        }
        List<ChannelReading> out = new ArrayList<>();
        for (StationInbox.Received r : reports) {
            Report report = r.report();
            for (Element e : report.elements()) {
                List<Channel> cs = byElement.get(e.id());
                if (cs == null) {
                    continue;
                }
                long t = e.observed() != null ? e.observed().atZone(settings.zone()).toInstant().toEpochMilli() : r.receivedAtMillis();
                for (Channel c : cs) {
                    out.add(e.value() == null
                            ? ChannelReading.failed(c, ReadStatus.UNSUPPORTED, String.format("element %02X is not a BCD value", e.id()), t)
                            : ChannelReading.ok(c, e.value().doubleValue(), t));
                }
            }
        }
        return out;
    }

    private static List<ChannelReading> failAll(List<Channel> channels, ReadStatus status, String why, long now) {
        List<ChannelReading> out = new ArrayList<>(channels.size());
        for (Channel c : channels) {
            out.add(ChannelReading.failed(c, status, why, now));
        }
        return out;
    }

    @Override
    public ChannelReading write(Channel channel, Object rawValue) {
        return ChannelReading.failed(channel, ReadStatus.UNSUPPORTED, "SL 651 channels are read only", System.currentTimeMillis());
    }

    @Override
    public Map<String, Long> faultCounts() {
        return inbox.faultCounts();
    }

    /** Reports dropped as repeats of one already received (a lost acknowledgement). */
    public long duplicates() {
        return inbox.duplicates();
    }

    /** Reports received (repeats not counted). */
    public long reports() {
        return inbox.reports();
    }

    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        release.run();
        onClosed.run();
    }

    @Override
    public String toString() {
        return "sl651 " + deviceId + " station " + settings.station() + " on " + receiver.where();
    }
}
