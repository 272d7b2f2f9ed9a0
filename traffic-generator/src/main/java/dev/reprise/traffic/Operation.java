package dev.reprise.traffic;

/**
 * One operation of the schedule: the {@code index}-th of the run, its kind, the key it touches and
 * the instant it was meant to be sent ({@link dev.reprise.time.Time#nanoTime()} scale). Latency is measured from
 * {@code intendedNanos}, not from when it was actually sent.
 */
public record Operation(long index, OpKind kind, long key, long intendedNanos) {}
