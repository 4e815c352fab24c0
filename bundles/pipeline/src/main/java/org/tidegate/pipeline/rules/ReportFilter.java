package org.tidegate.pipeline.rules;

import java.util.Objects;
import org.tidegate.core.model.Quality;
import org.tidegate.core.model.Sample;

/**
 * Deadband / report-by-exception for one channel. A sample is reported when it is the first one, when its
 * quality differs from the last reported sample's (good to bad and back are always reported), when a good
 * numeric value moved by more than the deadband from the last <em>reported</em> value (so a slow drift is
 * reported once it adds up), when a non-numeric value changed, or when nothing was reported for
 * {@code maxSilentMs}. Without a deadband every sample is reported.
 */
public final class ReportFilter {
    private final Double deadband;
    private final long maxSilentMs;
    private boolean any;
    private Quality lastQuality;
    private Object lastValue;
    private long lastReportedAt;

    public ReportFilter(Double deadband, long maxSilentMs) {
        this.deadband = deadband;
        this.maxSilentMs = maxSilentMs;
    }

    /** Decides about one sample and, if it is reported, remembers it. {@code force} reports it regardless. */
    public boolean report(Sample s, boolean force) {
        boolean report = force || deadband == null || !any || s.quality() != lastQuality
                || (maxSilentMs > 0 && s.timestamp() - lastReportedAt >= maxSilentMs)
                || (s.quality() == Quality.GOOD && moved(s.value()));
        if (report) {
            any = true;
            lastQuality = s.quality();
            lastValue = s.value();
            lastReportedAt = s.timestamp();
        }
        return report;
    }

    private boolean moved(Object value) {
        if (value instanceof Number n && lastValue instanceof Number last) {
            double v = n.doubleValue();
            double l = last.doubleValue();
            return Double.isNaN(v) != Double.isNaN(l) || Math.abs(v - l) > deadband;
        }
        return !Objects.equals(value, lastValue);
    }
}
