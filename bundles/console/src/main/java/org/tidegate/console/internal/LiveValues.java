package org.tidegate.console.internal;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.tidegate.core.model.Quality;
import org.tidegate.core.model.Sample;
import org.tidegate.core.pipeline.SampleBatch;

/**
 * What the devices read last and the last hour of every numeric channel ({@link SeriesRing}), fed by every poll's
 * batch (the console registers it as a {@code SampleSink}). Bounded: at most {@value #MAX_SERIES} channels in all
 * are kept; more are counted ({@link #refusedChannels}) and left out. The charts' points are bounded too, about
 * {@value #POINT_BUDGET} in all (12 bytes each, ~2.9 MB): each ring may hold its share of them, at least
 * {@value #MIN_RING_POINTS}, and a ring whose share covers less than an hour coarsens its resolution
 * ({@link SeriesRing}). A 20-channel gateway keeps every 5 s point of the hour; 2 000 channels (a 50 × 100 meter
 * bank) keep 90 points an hour each (40 s), where one hour at 5 s for all of them would cost 17 MB of a 64 MB heap.
 * On the poll thread it only stores.
 */
final class LiveValues {
    static final int MAX_SERIES = 2_000;
    static final int POINT_BUDGET = 240_000;
    static final int MIN_RING_POINTS = 60;

    /** One channel's last sample. */
    record Last(long t, Object value, String unit, String quality, String detail) {
    }

    private final int resolutionSeconds;
    private final Map<String, Map<String, Last>> last = new ConcurrentHashMap<>();
    private final Map<String, SeriesRing> series = new ConcurrentHashMap<>();
    /** The same rings by device, then channel: found per sample without building a {@code device/channel} key. */
    private final Map<String, Map<String, SeriesRing>> rings = new ConcurrentHashMap<>();
    /** {@link Quality} names as the API writes them, made once rather than per sample. */
    private static final String[] QUALITY = java.util.Arrays.stream(Quality.values())
            .map(q -> q.name().toLowerCase(java.util.Locale.ROOT)).toArray(String[]::new);
    private final AtomicLong channels = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private final AtomicLong batches = new AtomicLong();

    LiveValues(int resolutionSeconds) {
        this.resolutionSeconds = resolutionSeconds;
    }

    void accept(SampleBatch batch) {
        batches.incrementAndGet();
        Map<String, Last> device = last.computeIfAbsent(batch.device(), d -> new ConcurrentHashMap<>());
        Map<String, SeriesRing> deviceRings = rings.computeIfAbsent(batch.device(), d -> new ConcurrentHashMap<>());
        // Indexed, with no per-sample strings: this runs for every sample (100 000 a second at full load), where a
        // key concatenation, a lower-cased quality and an iterator were 10 % of the gateway's allocation (JFR).
        List<Sample> samples = batch.samples();
        for (int i = 0, n = samples.size(); i < n; i++) {
            Sample s = samples.get(i);
            if (!device.containsKey(s.channel())) {
                if (channels.incrementAndGet() > MAX_SERIES) {
                    channels.decrementAndGet();
                    refused.incrementAndGet();
                    continue;
                }
            }
            device.put(s.channel(), new Last(s.timestamp(), s.value(), s.unit(), QUALITY[s.quality().ordinal()],
                    s.detail()));
            double x = s.numeric();
            if (s.isGood() && !Double.isNaN(x)) {
                SeriesRing ring = deviceRings.get(s.channel());
                if (ring == null) {
                    ring = deviceRings.computeIfAbsent(s.channel(), c -> series.computeIfAbsent(s.device() + "/" + c,
                            k -> new SeriesRing(resolutionSeconds, this::ringShare)));
                }
                ring.add(s.timestamp(), x);
            }
        }
    }

    private int ringShare() {
        return Math.max(MIN_RING_POINTS, POINT_BUDGET / Math.max(1, series.size()));
    }

    /** A device was removed: its values go too. */
    void forget(String deviceId) {
        Map<String, Last> gone = last.remove(deviceId);
        rings.remove(deviceId);
        if (gone != null) {
            channels.addAndGet(-gone.size());
            gone.keySet().forEach(c -> series.remove(deviceId + "/" + c));
        }
    }

    /** Last values of one device, by channel, in name order. */
    Map<String, Last> lastValues(String deviceId) {
        Map<String, Last> m = last.get(deviceId);
        return m == null ? Map.of() : new TreeMap<>(m);
    }

    Object lastValue(String deviceId, String channel) {
        Last l = lastValues(deviceId).get(channel);
        return l == null ? null : l.value();
    }

    /** Every charted channel ({@code device/channel}) with its points. */
    Map<String, double[][]> series(long now, List<String> only) {
        Map<String, double[][]> out = new TreeMap<>();
        series.forEach((k, ring) -> {
            if (only.isEmpty() || only.contains(k)) {
                out.put(k, ring.points(now));
            }
        });
        return out;
    }

    Map<String, Object> stats() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("batches", batches.get());
        m.put("channels", channels.get());
        m.put("series", series.size());
        m.put("refusedChannels", refused.get());
        m.put("resolutionSeconds", resolutionSeconds);
        m.put("chartPoints", series.values().stream().mapToLong(SeriesRing::allocated).sum());
        return m;
    }

    long refusedChannels() {
        return refused.get();
    }
}
