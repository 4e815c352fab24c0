package org.tidegate.ingest.internal;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.LongSupplier;
import org.tidegate.core.log.TokenBuckets;
import org.tidegate.ingest.AuditLimits;

/**
 * Decides which refused messages get an {@code audit} row of their own ({@link AuditLimits}: a token bucket per
 * (reason, gateway id in the topic) and one for all), and counts the others until they are written as one summary row
 * per reason. The topic's gateway id, not the claimed sender: the broker's ACL ties a credential to its topics, and
 * the sender field of junk is whatever the attacker wrote. Memory is bounded: {@link TokenBuckets} keeps at most
 * {@value TokenBuckets#MAX_KEYS} keys (the rest share one bucket), the counts at most {@link #GATEWAYS_PER_REASON}
 * gateway ids per reason (the rest are counted together), and reasons are the verifier's fixed names.
 *
 * <p>{@link #admit} may be called from any thread; {@link #notStored}, {@link #summaries} and {@link #written} only
 * from the writer's: counts are taken after the batch that acknowledged those messages committed, and dropped only
 * after the transaction holding their summary committed, so a failed transaction neither loses nor doubles them.
 */
final class AuditLimiter {
    /** Gateway ids named one by one in a reason's summary; more are counted as "other ids". */
    static final int GATEWAYS_PER_REASON = 64;
    /** Gateway ids listed in a summary row's detail, the largest counts first. */
    static final int GATEWAYS_LISTED = 10;
    private static final String ALL = "all";

    /** Refusals of one reason not stored since the last summary. */
    record Summary(String reason, long count, long firstMillis, long lastMillis, String detail) {
    }

    private static final class Pending {
        long count;
        long first = Long.MAX_VALUE;
        long last = Long.MIN_VALUE;
        long otherIds;
        final Map<String, Long> byGateway = new TreeMap<>();
    }

    private final String topicStart;
    private final TokenBuckets perKey;
    private final TokenBuckets total;
    private final Map<String, Pending> pending = new TreeMap<>();

    AuditLimiter(AuditLimits limits, String prefix, LongSupplier nanoClock) {
        this.topicStart = prefix + "/";
        this.perKey = new TokenBuckets(limits.rowsPerSecondPerKey(), limits.burstPerKey(), nanoClock);
        this.total = new TokenBuckets(limits.rowsPerSecond(), limits.burst(), nanoClock);
    }

    /** Takes a token for this refusal: true if it gets a row of its own. */
    boolean admit(Verified refused) {
        // per key first: a key over its own limit does not use up the tokens the other keys share
        return perKey.tryAcquire(refused.reason() + ' ' + topicGateway(refused.in().topic())) && total.tryAcquire(ALL);
    }

    /** Counts a refusal that was acknowledged without a row of its own. */
    void notStored(Verified refused, long nowMillis) {
        Pending p = pending.computeIfAbsent(refused.reason(), r -> new Pending());
        p.count++;
        p.first = Math.min(p.first, nowMillis);
        p.last = Math.max(p.last, nowMillis);
        String gw = topicGateway(refused.in().topic());
        if (p.byGateway.containsKey(gw) || p.byGateway.size() < GATEWAYS_PER_REASON) {
            p.byGateway.merge(gw, 1L, Long::sum);
        } else {
            p.otherIds++;
        }
    }

    boolean hasPending() {
        return !pending.isEmpty();
    }

    /** What is counted and not yet written, one per reason; still counted until {@link #written}. */
    List<Summary> summaries() {
        List<Summary> out = new ArrayList<>();
        for (Map.Entry<String, Pending> e : pending.entrySet()) {
            Pending p = e.getValue();
            out.add(new Summary(e.getKey(), p.count, p.first, p.last, describe(p)));
        }
        return out;
    }

    /** The summaries returned by the last {@link #summaries} are committed: start counting afresh. */
    void written() {
        pending.clear();
    }

    /** The gateway id in {@code {prefix}/{gateway}/…}, cut to 64 characters; "" if the topic has none. */
    String topicGateway(String topic) {
        if (!topic.startsWith(topicStart)) {
            return "";
        }
        int end = topic.indexOf('/', topicStart.length());
        String gw = topic.substring(topicStart.length(), end < 0 ? topic.length() : end);
        return AuditRecord.text(gw, 64);
    }

    private static String describe(Pending p) {
        StringBuilder b = new StringBuilder().append(p.count)
                .append(" refusals not stored (over the audit rate limit) from ").append(Instant.ofEpochMilli(p.first))
                .append(" to ").append(Instant.ofEpochMilli(p.last)).append("; by gateway id in the topic: ");
        List<Map.Entry<String, Long>> ids = new ArrayList<>(p.byGateway.entrySet());
        ids.sort(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder()).thenComparing(Map.Entry.comparingByKey()));
        long rest = p.otherIds;
        int restIds = 0;
        for (int i = 0; i < ids.size(); i++) {
            if (i < GATEWAYS_LISTED) {
                b.append(i == 0 ? "" : ", ").append(ids.get(i).getKey().isEmpty() ? "(none)" : ids.get(i).getKey())
                        .append(' ').append(ids.get(i).getValue());
            } else {
                rest += ids.get(i).getValue();
                restIds++;
            }
        }
        if (rest > 0) {
            b.append(", others ").append(rest).append(" (").append(restIds).append(" ids")
                    .append(p.otherIds > 0 ? " and more not tracked one by one)" : ")");
        }
        return b.toString();
    }
}
