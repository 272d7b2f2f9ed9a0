package dev.reprise.master.run.time;

import java.time.Duration;
import java.time.Instant;

/** The real clock. Thread-safe. */
public final class SystemTime implements Time {
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

  @Override
  public void sleep(Duration duration) throws InterruptedException {
    if (!duration.isNegative() && !duration.isZero()) Thread.sleep(duration.toMillis(), duration.toNanosPart() % 1_000_000);
  }
}
