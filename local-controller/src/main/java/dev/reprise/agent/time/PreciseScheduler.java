package dev.reprise.agent.time;

import dev.reprise.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.PriorityQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The real {@link Scheduler}: one daemon thread waits for the earliest deadline on the corrected
 * clock. It parks until about {@link #SPIN_NANOS} before the deadline, re-reads the clock after
 * every wake-up (wake-ups can come early or late), then spins the last stretch so the task starts
 * within microseconds of its deadline. A task that throws is reported to {@code onError} and does
 * not stop the scheduler.
 *
 * <p>Parks last at most {@link #MAX_PARK_NANOS}: the clock may be slewed while the thread sleeps
 * (up to {@link DisciplinedClock#MAX_SLEW_PPM}), which moves a deadline closer by at most 1 ms per
 * second of park, less than the spin stretch, so no task starts late because of a slew.
 */
public final class PreciseScheduler implements Scheduler {
  /** How long before a deadline the thread stops parking and spins. */
  static final long SPIN_NANOS = 1_500_000;

  /** The longest single park: re-reading the clock this often keeps slews from making tasks late. */
  static final long MAX_PARK_NANOS = 1_000_000_000;

  private final Clock clock;
  private final java.util.function.Consumer<Throwable> onError;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private final PriorityQueue<Entry> queue = new PriorityQueue<>();
  private final AtomicLong sequence = new AtomicLong();
  private final Thread thread;
  private volatile boolean closed;

  public PreciseScheduler(Clock clock, String name, java.util.function.Consumer<Throwable> onError) {
    this(clock, name, onError, () -> {});
  }

  /**
   * @param onStart runs first on the scheduler's thread (to give it real-time priority:
   *     {@link dev.reprise.agent.runtime.HostOps#prioritizeCurrentThread}); what it throws goes to {@code onError}
   */
  public PreciseScheduler(Clock clock, String name, java.util.function.Consumer<Throwable> onError, Runnable onStart) {
    this.clock = clock;
    this.onError = onError;
    this.thread = new Thread(() -> {
      try {
        onStart.run();
      } catch (Throwable t) {
        onError.accept(t);
      }
      loop();
    }, name);
    thread.setDaemon(true);
    thread.setPriority(Thread.MAX_PRIORITY);
    thread.start();
  }

  @Override
  public Cancellable at(Instant deadline, Runnable task) {
    var entry = new Entry(deadline, sequence.getAndIncrement(), task);
    lock.lock();
    try {
      if (closed) throw new IllegalStateException("scheduler is closed");
      queue.add(entry);
      changed.signalAll();
    } finally {
      lock.unlock();
    }
    return () -> entry.cancelled = true;
  }

  private void loop() {
    while (!closed) {
      Entry next;
      lock.lock();
      try {
        next = queue.peek();
        if (next == null) {
          changed.awaitUninterruptibly();
          continue;
        }
        if (next.cancelled) {
          queue.poll();
          continue;
        }
        long remaining = nanosUntil(next.deadline);
        if (remaining > SPIN_NANOS) {
          // Park until shortly before the deadline; an earlier entry or close() signals us.
          changed.awaitNanos(Math.min(remaining - SPIN_NANOS, MAX_PARK_NANOS));
          continue;
        }
      } catch (InterruptedException e) {
        if (closed) return;
        continue;
      } finally {
        lock.unlock();
      }
      while (nanosUntil(next.deadline) > 0) {
        Thread.onSpinWait();
      }
      lock.lock();
      try {
        // Only run it if it is still the head: an earlier deadline may have arrived while spinning.
        if (queue.peek() != next) continue;
        queue.poll();
      } finally {
        lock.unlock();
      }
      if (next.cancelled) continue;
      try {
        next.task.run();
      } catch (Throwable t) {
        onError.accept(t);
      }
    }
  }

  private long nanosUntil(Instant deadline) {
    var d = Duration.between(clock.now(), deadline);
    return d.isNegative() ? -1 : (d.getSeconds() > 1_000_000 ? Long.MAX_VALUE / 4 : d.toNanos());
  }

  @Override
  public void close() {
    lock.lock();
    try {
      closed = true;
      queue.clear();
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  private static final class Entry implements Comparable<Entry> {
    final Instant deadline;
    final long seq;
    final Runnable task;
    volatile boolean cancelled;

    Entry(Instant deadline, long seq, Runnable task) {
      this.deadline = deadline;
      this.seq = seq;
      this.task = task;
    }

    @Override
    public int compareTo(Entry o) {
      int c = deadline.compareTo(o.deadline);
      return c != 0 ? c : Long.compare(seq, o.seq);
    }
  }
}
