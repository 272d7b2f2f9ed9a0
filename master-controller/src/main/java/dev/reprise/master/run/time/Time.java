package dev.reprise.master.run.time;

import java.time.Duration;
import java.time.Instant;

/**
 * The master's clock and its only way to wait (no {@code Instant.now()} or {@code Thread.sleep}
 * elsewhere): {@link SystemTime} in production, a manual clock in tests.
 */
public interface Time {
  /** Wall-clock time: when things happen. */
  Instant now();

  /** Monotonic nanoseconds: how long things take. */
  long nanoTime();

  /** Waits {@code duration} (a manual clock advances instead). */
  void sleep(Duration duration) throws InterruptedException;
}
