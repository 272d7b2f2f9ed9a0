package dev.reprise.master.run.time;

import java.time.Duration;

/**
 * Runs a task at a fixed rate on a thread of its own, so the caller's thread (busy with slow
 * probes, a deploy, a test's SSH calls) can never starve it. {@link SystemTicker} in production; in
 * tests a manual ticker that runs due tasks as a manual clock advances.
 */
public interface Ticker {

  /**
   * Runs {@code task} every {@code period}, the first time one period from now, until the returned ticket is cancelled. The
   * task runs on the ticker's thread, never concurrently with itself; an exception it throws is
   * swallowed and the next tick still comes (the task must report its own failures).
   */
  Ticket every(Duration period, String name, Runnable task);

  /** A running periodic task. */
  interface Ticket {
    /** Stops the task; a run in progress completes. Idempotent; any thread. */
    void cancel();
  }
}
