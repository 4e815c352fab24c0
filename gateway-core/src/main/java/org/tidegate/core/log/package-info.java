/**
 * Rate limits for what an outsider can trigger: {@link org.tidegate.core.log.TokenBuckets} (a token bucket per key)
 * and {@link org.tidegate.core.log.RateLimitedLog} (log lines per key, with a count of what was suppressed), so a
 * flood of junk cannot fill the disk or rotate the evidence out of the log.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package org.tidegate.core.log;
