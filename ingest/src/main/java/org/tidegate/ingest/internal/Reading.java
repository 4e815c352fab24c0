package org.tidegate.ingest.internal;

/**
 * One sample of a telemetry envelope as it goes into {@code readings}: exactly one of {@code number}, {@code bool},
 * {@code text} is non-null.
 */
record Reading(String device, String channel, long timeMillis, Double number, Boolean bool, String text, String unit,
               String quality) {
}
