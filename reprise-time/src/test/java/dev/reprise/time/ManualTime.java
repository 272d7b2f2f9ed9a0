package dev.reprise.time;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The one manual {@link Time} of every module's tests (Kafka's MockTime + MockScheduler in one): time
 * moves only when a test says so, or when someone waits on it. Shipped in this module's test-jar.
 *
 * <ul>
 *   <li>{@link #advance}/{@link #advanceTo} move the wall clock and the monotonic counter together
 *       and run, on the calling thread, every task ({@link #runAt}) that became due, in deadline
 *       order (ties: in the order scheduled), with the clock set to each task's deadline while it
 *       runs; tasks may schedule further tasks. Then every {@link #onAdvance} listener runs.
 *   <li>{@link #sleep}/{@link #sleepUntilNanos} never block: they advance the clock to the deadline
 *       (so a single-threaded test of code that waits runs at once) and record each wait that moved
 *       it in {@link #sleeps()}.
 *   <li>{@link #shiftWall} moves the wall clock only, as an NTP step or an operator's {@code date -s}
 *       would; the counter stays.
 * </ul>
 *
 * <p>The counter starts at 0, the wall clock at the given instant. Thread-safe; tasks and listeners
 * run outside the lock. Not final: the agent's test clock adds its own ports on top.
 */
public class ManualTime implements Time {
  private Instant now;
  private long nanos;
  private long sequence;
  private final PriorityQueue<Task> tasks = new PriorityQueue<>();
  private final List<String> sleeps = new ArrayList<>();
  private final List<Runnable> listeners = new CopyOnWriteArrayList<>();

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

  /** Advances the clock to the deadline (if it is ahead), recording the wait; never blocks. */
  @Override
  public void sleepUntilNanos(long deadlineNanos) {
    long delta;
    synchronized (this) {
      delta = Math.max(0, deadlineNanos - nanos);
      if (delta > 0) sleeps.add("sleep " + (nanos / 1_000_000) + "ms -> " + (deadlineNanos / 1_000_000) + "ms");
    }
    advance(Duration.ofNanos(delta));
  }

  /** Every wait that moved the clock, as {@code "sleep 100ms -> 200ms"} (counter values, in ms). */
  public synchronized List<String> sleeps() {
    return List.copyOf(sleeps);
  }

  /** Moves time forward by {@code d}, running due tasks in order, then the listeners. */
  public void advance(Duration d) {
    Instant target;
    synchronized (this) {
      target = now.plus(d);
    }
    advanceTo(target);
  }

  /**
   * Moves time forward to {@code target} (the clock stays if it is in the past), running due tasks in
   * order, then the listeners.
   */
  public void advanceTo(Instant target) {
    while (true) {
      Task due;
      synchronized (this) {
        due = tasks.peek();
        if (due == null || due.deadline.isAfter(target)) {
          moveTo(target);
          break;
        }
        tasks.poll();
        moveTo(due.deadline);
      }
      due.task.run();
    }
    listeners.forEach(Runnable::run);
  }

  /**
   * Moves the wall clock by {@code delta} (either way) and not the counter; tasks it makes due run at
   * the next advance.
   */
  public synchronized void shiftWall(Duration delta) {
    now = now.plus(delta);
  }

  private void moveTo(Instant t) {
    if (t.isAfter(now)) {
      nanos += Duration.between(now, t).toNanos();
      now = t;
    }
  }

  /** Runs {@code listener} after every advance (and so after every wait), on the advancing thread. */
  public void onAdvance(Runnable listener) {
    listeners.add(listener);
  }

  /** Runs {@code task} when an advance reaches {@code deadline} on the wall clock. */
  public synchronized Handle runAt(Instant deadline, Runnable task) {
    var t = new Task(deadline, sequence++, task);
    tasks.add(t);
    return () -> {
      synchronized (ManualTime.this) {
        tasks.remove(t);
      }
    };
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

  /** Drops every pending task. */
  public synchronized void clearTasks() {
    tasks.clear();
  }

  /** A task scheduled with {@link #runAt}. */
  @FunctionalInterface
  public interface Handle {
    /** Prevents the task from running if it has not started; idempotent. */
    void cancel();
  }

  private record Task(Instant deadline, long seq, Runnable task) implements Comparable<Task> {
    @Override
    public int compareTo(Task o) {
      int c = deadline.compareTo(o.deadline);
      return c != 0 ? c : Long.compare(seq, o.seq);
    }
  }
}
