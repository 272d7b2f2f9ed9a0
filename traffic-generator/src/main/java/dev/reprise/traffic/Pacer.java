package dev.reprise.traffic;

/**
 * The open-loop schedule: operation {@code i} is due at {@code start + i / rate} seconds, whatever
 * happened to earlier operations. A stalled server therefore shows up as growing latency (measured
 * from these intended times), not as a client that quietly sends less (no coordinated omission).
 *
 * <p>Immutable and exact: integer arithmetic, no drift over long runs.
 */
public final class Pacer {

  private static final long NANOS_PER_SECOND = 1_000_000_000L;

  private final long startNanos;
  private final long ratePerSecond;

  /**
   * @param startNanos intended send time of operation 0 ({@link dev.reprise.time.Time#nanoTime()} scale)
   * @param ratePerSecond operations per second, total; at least 1
   */
  public Pacer(long startNanos, long ratePerSecond) {
    if (ratePerSecond < 1) {
      throw new IllegalArgumentException("rate must be at least 1 operation per second, got " + ratePerSecond);
    }
    this.startNanos = startNanos;
    this.ratePerSecond = ratePerSecond;
  }

  /** Intended send time of operation {@code index} (0-based). */
  public long intendedNanos(long index) {
    // Split to avoid overflowing index * 1e9 on long runs at high rates.
    long whole = index / ratePerSecond;
    long rest = index % ratePerSecond;
    return startNanos + whole * NANOS_PER_SECOND + rest * NANOS_PER_SECOND / ratePerSecond;
  }

  /** How many operations are due at or before {@code nowNanos} (the index of the first not yet due). */
  public long dueCount(long nowNanos) {
    if (nowNanos < startNanos) {
      return 0;
    }
    long elapsed = nowNanos - startNanos;
    long whole = elapsed / NANOS_PER_SECOND;
    long rest = elapsed % NANOS_PER_SECOND;
    // Operations in the last partial second: the largest r with r * 1e9 / rate <= rest, plus one.
    long partial = (rest * ratePerSecond) / NANOS_PER_SECOND + 1;
    long count = whole * ratePerSecond + partial;
    // Integer division can be one off at exact boundaries; settle it against intendedNanos.
    while (count > 0 && intendedNanos(count - 1) > nowNanos) {
      count--;
    }
    while (intendedNanos(count) <= nowNanos) {
      count++;
    }
    return count;
  }

  /** Operations per second. */
  public long ratePerSecond() {
    return ratePerSecond;
  }

  /** Intended send time of operation 0. */
  public long startNanos() {
    return startNanos;
  }
}
