package dev.reprise.agent.testing;

import dev.reprise.agent.time.DisciplinedClock;
import dev.reprise.agent.time.Scheduler;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;

/**
 * A clock and scheduler that move only when a test says so (Kafka's MockTime + MockScheduler in
 * one): {@link #advance(Duration)} moves time forward and runs every task that became due, in
 * deadline order, on the calling thread, with the clock set to each task's deadline while it runs.
 * Thread-safe; tasks may schedule further tasks.
 *
 * <p>As a {@link DisciplinedClock}: {@link #step} moves the time at once (tasks it makes due run at
 * the next advance); {@link #slew} is recorded ({@link #slews()}) and counted in the correction but
 * does not bend the time, which only {@link #advance} moves.
 */
public final class ManualClock implements DisciplinedClock, Scheduler {
  private Instant now;
  private long nanos;
  private long sequence;
  private double correctionMillis;
  private double pendingSlewMillis;
  private final List<Double> steps = new ArrayList<>();
  private final List<Double> slews = new ArrayList<>();
  private final PriorityQueue<Task> tasks = new PriorityQueue<>();

  public ManualClock(Instant start) {
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
  public synchronized void step(double deltaMillis) {
    steps.add(deltaMillis);
    correctionMillis += deltaMillis;
    now = now.plusNanos(Math.round(deltaMillis * 1_000_000d));
  }

  @Override
  public synchronized void slew(double deltaMillis) {
    slews.add(deltaMillis);
    correctionMillis += deltaMillis - pendingSlewMillis;
    pendingSlewMillis = deltaMillis;
  }

  @Override
  public synchronized double correctionMillis() {
    return correctionMillis;
  }

  @Override
  public synchronized double pendingSlewMillis() {
    return pendingSlewMillis;
  }

  /** Every {@link #step} so far, in milliseconds. */
  public synchronized List<Double> steps() {
    return List.copyOf(steps);
  }

  /** Every {@link #slew} so far, in milliseconds. */
  public synchronized List<Double> slews() {
    return List.copyOf(slews);
  }

  @Override
  public synchronized Cancellable at(Instant deadline, Runnable task) {
    var t = new Task(deadline, sequence++, task);
    tasks.add(t);
    return () -> {
      synchronized (ManualClock.this) {
        tasks.remove(t);
      }
    };
  }

  /** Moves time forward by {@code d}, running due tasks in order. */
  public void advance(Duration d) {
    Instant target;
    synchronized (this) {
      target = now.plus(d);
    }
    advanceTo(target);
  }

  /** Moves time forward to {@code target} (no-op if in the past), running due tasks in order. */
  public void advanceTo(Instant target) {
    while (true) {
      Task due;
      synchronized (this) {
        due = tasks.peek();
        if (due == null || due.deadline.isAfter(target)) {
          setNow(target);
          return;
        }
        tasks.poll();
        setNow(due.deadline);
      }
      due.task.run();
    }
  }

  private void setNow(Instant t) {
    if (t.isAfter(now)) {
      nanos += Duration.between(now, t).toNanos();
      now = t;
    }
  }

  /** Number of tasks still pending. */
  public synchronized int pending() {
    return tasks.size();
  }

  /** The earliest pending deadline, or null. */
  public synchronized Instant nextDeadline() {
    var t = tasks.peek();
    return t == null ? null : t.deadline;
  }

  @Override
  public synchronized void close() {
    tasks.clear();
  }

  private record Task(Instant deadline, long seq, Runnable task) implements Comparable<Task> {
    @Override
    public int compareTo(Task o) {
      int c = deadline.compareTo(o.deadline);
      return c != 0 ? c : Long.compare(seq, o.seq);
    }
  }
}
