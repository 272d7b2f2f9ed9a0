package dev.reprise.traffic;

import java.time.Instant;

/**
 * A clock that moves only when told to. {@link #sleepUntil} does not block: it jumps the clock
 * forward to the deadline (like Kafka's MockTime), which suits single-threaded tests of code that
 * waits for deadlines. Every jump is recorded as a readable string.
 */
final class ManualClock implements Clock {

  private final Instant wallOrigin;
  private long nanos;
  final java.util.List<String> sleeps = new java.util.ArrayList<>();

  ManualClock(Instant wallOrigin) {
    this.wallOrigin = wallOrigin;
  }

  @Override
  public synchronized long nanoTime() {
    return nanos;
  }

  @Override
  public synchronized Instant wallTime() {
    return wallOrigin.plusNanos(nanos);
  }

  @Override
  public synchronized void sleepUntil(long deadlineNanos) {
    if (deadlineNanos > nanos) {
      sleeps.add("sleep " + (nanos / 1_000_000) + "ms -> " + (deadlineNanos / 1_000_000) + "ms");
      nanos = deadlineNanos;
    }
  }

  synchronized void advanceMillis(long ms) {
    nanos += ms * 1_000_000L;
  }
}
