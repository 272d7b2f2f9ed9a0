package dev.reprise.agent.time;

import java.time.Instant;

/**
 * The agent's one source of time. {@link #now()} is the corrected wall clock (local clock plus the
 * offset measured by {@link ClockSync}): every record and every deadline uses it. {@link #nanoTime()}
 * is monotonic, for measuring how long something took. Implementations are thread-safe.
 */
public interface Clock {
  /** The corrected wall-clock instant. */
  Instant now();

  /** A monotonic nanosecond counter (arbitrary origin), for durations only. */
  long nanoTime();
}
