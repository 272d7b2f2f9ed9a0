package dev.reprise.traffic;

import java.time.Instant;
import java.util.concurrent.locks.LockSupport;

/** The real clock: {@link System#nanoTime()}, {@link Instant#now()} and {@link LockSupport} parking. */
public final class SystemClock implements Clock {

  /** One shared instance; the class has no state. */
  public static final SystemClock INSTANCE = new SystemClock();

  private SystemClock() {}

  @Override
  public long nanoTime() {
    return System.nanoTime();
  }

  @Override
  public Instant wallTime() {
    return Instant.now();
  }

  @Override
  public void sleepUntil(long deadlineNanos) throws InterruptedException {
    for (long left = deadlineNanos - System.nanoTime(); left > 0; left = deadlineNanos - System.nanoTime()) {
      LockSupport.parkNanos(left);
      if (Thread.interrupted()) {
        throw new InterruptedException("interrupted while waiting for a deadline");
      }
    }
  }
}
