package dev.reprise.master.run.time;

import java.time.Duration;
import java.time.Instant;

/** A clock that moves only when told to (or when someone sleeps on it). */
public final class ManualTime implements Time {
  private Instant now;
  private long nanos;

  public ManualTime(Instant start) {
    this.now = start;
  }

  @Override
  public synchronized Instant now() {
    return now;
  }

  @Override
  public synchronized long nanoTime() {
    return nanos;
  }

  @Override
  public void sleep(Duration duration) {
    advance(duration);
  }

  public synchronized void advance(Duration d) {
    now = now.plus(d);
    nanos += d.toNanos();
  }
}
