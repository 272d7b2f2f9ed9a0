package dev.reprise.master.run.time;

import dev.reprise.time.ManualTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@link Ticker} on a {@link ManualTime}: a task runs each time the manual clock advances past its
 * next due instant (the first one period after it was registered), on the thread that advanced it (in the
 * coordinator tests: the fake agent's {@code poll}). Deterministic; not thread-safe.
 */
public final class ManualTicker implements Ticker {
  private final ManualTime time;
  private final List<Periodic> tasks = new ArrayList<>();
  private boolean running;

  private final class Periodic implements Ticket {
    final long periodNanos;
    final Runnable task;
    long nextNanos;
    boolean cancelled;

    Periodic(long periodNanos, Runnable task) {
      this.periodNanos = periodNanos;
      this.task = task;
    }

    @Override
    public void cancel() {
      cancelled = true;
    }
  }

  public ManualTicker(ManualTime time) {
    this.time = time;
    time.onAdvance(this::runDue);
  }

  @Override
  public Ticket every(Duration period, String name, Runnable task) {
    var p = new Periodic(period.toNanos(), task);
    p.nextNanos = time.nanoTime() + p.periodNanos;
    tasks.add(p);
    return p;
  }

  /** How many periodic tasks are registered and not cancelled. */
  public int active() {
    return (int) tasks.stream().filter(t -> !t.cancelled).count();
  }

  private void runDue() {
    if (running) return; // a task that advances the clock does not re-enter
    running = true;
    try {
      for (var p : List.copyOf(tasks)) {
        while (!p.cancelled && p.nextNanos <= time.nanoTime()) {
          p.nextNanos += p.periodNanos;
          try {
            p.task.run();
          } catch (RuntimeException e) {
            // as SystemTicker: the schedule goes on
          }
        }
      }
      tasks.removeIf(t -> t.cancelled);
    } finally {
      running = false;
    }
  }
}
