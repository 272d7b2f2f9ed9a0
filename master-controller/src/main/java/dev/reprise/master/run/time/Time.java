package dev.reprise.master.run.time;

import dev.reprise.agent.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * The master's clock and its only way to wait (no {@code Instant.now()} or {@code Thread.sleep}
 * elsewhere): the agent's {@link Clock} port plus sleeping. {@link SystemTime} in production, a
 * manual clock in tests.
 */
public interface Time extends Clock {
  /** Wall-clock time: when things happen. */
  @Override
  Instant now();

  /** Monotonic nanoseconds: how long things take. */
  @Override
  long nanoTime();

  /** Waits {@code duration} (a manual clock advances instead). */
  void sleep(Duration duration) throws InterruptedException;
}
