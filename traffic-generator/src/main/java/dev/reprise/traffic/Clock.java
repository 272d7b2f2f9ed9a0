package dev.reprise.traffic;

import java.time.Instant;

/**
 * The generator's only source of time. {@link #nanoTime()} measures how long (pacing, latency);
 * {@link #wallTime()} says when (timestamps in the output). Production uses {@link SystemClock};
 * tests use a manual clock that moves only when told to.
 *
 * <p>Thread-safe: called from the sender, reporter, stress and completion threads at once.
 */
public interface Clock {

  /** Monotonic nanoseconds with an arbitrary origin, like {@link System#nanoTime()}. */
  long nanoTime();

  /** Wall-clock time, used only to stamp output. */
  Instant wallTime();

  /**
   * Blocks until {@link #nanoTime()} reaches {@code deadlineNanos} (returns at once when it already
   * has). Deadlines are absolute, so overshoot in one wait does not accumulate into the next.
   *
   * @throws InterruptedException when the calling thread is interrupted (the generator is stopping)
   */
  void sleepUntil(long deadlineNanos) throws InterruptedException;
}
