package dev.reprise.agent.time;

import java.time.Instant;

/**
 * The real clock: the system wall clock plus a fixed offset (the NTP-measured correction; the agent
 * never steps the system clock). One of the two classes allowed to read the system time.
 */
public final class SystemClock implements Clock {
  private final long offsetNanos;

  /** @param offsetMillis corrected = local + offset, as {@link ClockOffset#offsetMillis()} */
  public SystemClock(double offsetMillis) {
    this.offsetNanos = Math.round(offsetMillis * 1_000_000d);
  }

  /** A clock without correction. */
  public static SystemClock uncorrected() {
    return new SystemClock(0);
  }

  @Override
  public Instant now() {
    return offsetNanos == 0 ? Instant.now() : Instant.now().plusNanos(offsetNanos);
  }

  @Override
  public long nanoTime() {
    return System.nanoTime();
  }

  /** The correction applied, in milliseconds. */
  public double offsetMillis() {
    return offsetNanos / 1_000_000d;
  }
}
