package dev.reprise.agent.time;

import java.time.Instant;

/**
 * Runs tasks at absolute deadlines of a {@link Clock} — never after relative sleeps, so lateness
 * does not accumulate. Tasks run on the scheduler's own thread and must be short (the agent's
 * tasks only post an event to the coordinator); a task due in the past runs at once. Tasks due at
 * the same instant run in the order they were scheduled.
 */
public interface Scheduler extends AutoCloseable {
  /** Schedules {@code task} to run when {@code clock.now() >= deadline}. Callable from any thread. */
  Cancellable at(Instant deadline, Runnable task);

  /** Cancels every pending task and stops the scheduler's thread; idempotent. */
  @Override
  void close();

  /** A handle on a scheduled task. */
  interface Cancellable {
    /** Prevents the task from running if it has not started; idempotent. */
    void cancel();
  }
}
