package dev.reprise.time;

import java.time.Duration;

/**
 * A {@link Clock} that can also be waited on: the only way product code waits for time to pass (no
 * {@code Thread.sleep} elsewhere). {@link SystemTime} in production; in tests the manual clock of
 * this module's test-jar, on which a wait advances the clock instead of blocking. Thread-safe.
 */
public interface Time extends Clock {
  /** The longest wait, about 146 years: {@link #nanoTime()} differences stay exact below it. */
  long MAX_WAIT_NANOS = Long.MAX_VALUE / 2;

  /**
   * Blocks until {@link #nanoTime()} reaches {@code deadlineNanos} (returns at once when it already
   * has). Deadlines are absolute, so the overshoot of one wait does not accumulate into the next:
   * pacing loops wait for {@code start + n * period}.
   *
   * @throws InterruptedException when the calling thread is interrupted (its owner is stopping)
   */
  void sleepUntilNanos(long deadlineNanos) throws InterruptedException;

  /**
   * Waits {@code duration} (zero or negative: returns at once), i.e. {@link #sleepUntilNanos} of
   * now plus the duration, capped at {@link #MAX_WAIT_NANOS}.
   *
   * @throws InterruptedException when the calling thread is interrupted
   */
  default void sleep(Duration duration) throws InterruptedException {
    sleepUntilNanos(nanoTime() + waitNanos(duration));
  }

  /** {@code duration} in nanoseconds, clamped to {@code [0, MAX_WAIT_NANOS]}. */
  static long waitNanos(Duration duration) {
    if (duration.isNegative() || duration.isZero()) return 0;
    if (duration.compareTo(Duration.ofNanos(MAX_WAIT_NANOS)) >= 0) return MAX_WAIT_NANOS;
    return duration.toNanos();
  }
}
