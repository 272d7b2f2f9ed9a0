package dev.reprise.time;

import java.time.Instant;

/**
 * The one source of time of the master, the agent and the traffic generator: no product code reads
 * system time except through this port ({@link SystemTime} is the only adapter that does). {@link
 * #now()} says <em>when</em> (records, deadlines on the run's timeline; the agent's clock is the
 * corrected one); {@link #nanoTime()} says <em>how long</em> (durations, pacing, timeouts).
 * Implementations are thread-safe.
 */
public interface Clock {
  /** The wall-clock instant (the agent's: the local clock plus its measured correction). */
  Instant now();

  /**
   * A monotonic nanosecond counter with an arbitrary origin, like {@link System#nanoTime()}: only
   * differences mean anything, compared as {@code a - b > 0}, never {@code a > b}.
   */
  long nanoTime();
}
