package dev.reprise.master.run.time;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/** The real {@link Ticker}: one daemon thread per periodic task, named after it. Thread-safe. */
public final class SystemTicker implements Ticker {
  public static final SystemTicker INSTANCE = new SystemTicker();

  private SystemTicker() {}

  @Override
  public Ticket every(Duration period, String name, Runnable task) {
    ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(r -> {
      var t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    });
    executor.scheduleAtFixedRate(() -> {
      try {
        task.run();
      } catch (RuntimeException e) {
        // a failed run must not end the schedule (scheduleAtFixedRate stops after an exception)
      }
    }, period.toNanos(), period.toNanos(), TimeUnit.NANOSECONDS);
    return executor::shutdownNow;
  }
}
