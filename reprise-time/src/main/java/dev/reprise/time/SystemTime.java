package dev.reprise.time;

import java.time.Instant;
import java.util.concurrent.locks.LockSupport;

/**
 * The real {@link Time}: {@link Instant#now()}, {@link System#nanoTime()} and {@link LockSupport}
 * parking. The one class of the product that reads system time or waits on it. Stateless and
 * thread-safe.
 */
public final class SystemTime implements Time {
  /** One shared instance; the class has no state. */
  public static final SystemTime INSTANCE = new SystemTime();

  private SystemTime() {}

  @Override
  public Instant now() {
    return Instant.now();
  }

  @Override
  public long nanoTime() {
    return System.nanoTime();
  }

  /**
   * Parks until the deadline, re-reading the counter after every wake-up (they can come early). A
   * deadline already reached returns at once, even on an interrupted thread (its flag stays set).
   */
  @Override
  public void sleepUntilNanos(long deadlineNanos) throws InterruptedException {
    for (long left = deadlineNanos - System.nanoTime(); left > 0; left = deadlineNanos - System.nanoTime()) {
      LockSupport.parkNanos(left);
      if (Thread.interrupted()) throw new InterruptedException("interrupted while waiting for a deadline");
    }
  }
}
