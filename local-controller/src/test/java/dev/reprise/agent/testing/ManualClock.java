package dev.reprise.agent.testing;

import dev.reprise.agent.time.DisciplinedClock;
import dev.reprise.agent.time.Scheduler;
import dev.reprise.time.ManualTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The shared {@link ManualTime} as the agent's {@link DisciplinedClock} and {@link Scheduler}: time
 * moves only on {@link #advance}/{@link #advanceTo}, which run every task that became due, in
 * deadline order, on the calling thread, with the clock set to each task's deadline while it runs.
 * Thread-safe; tasks may schedule further tasks.
 *
 * <p>As a {@link DisciplinedClock}: {@link #step} moves the wall time at once (tasks it makes due
 * run at the next advance; the monotonic counter stays); {@link #slew} is recorded ({@link
 * #slews()}) and counted in the correction but does not bend the time, which only an advance moves.
 */
public final class ManualClock extends ManualTime implements DisciplinedClock, Scheduler {
  private double correctionMillis;
  private double pendingSlewMillis;
  private final List<Double> steps = new ArrayList<>();
  private final List<Double> slews = new ArrayList<>();

  public ManualClock(Instant start) {
    super(start);
  }

  @Override
  public void step(double deltaMillis) {
    synchronized (this) {
      steps.add(deltaMillis);
      correctionMillis += deltaMillis;
    }
    shiftWall(Duration.ofNanos(Math.round(deltaMillis * 1_000_000d)));
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
  public Cancellable at(Instant deadline, Runnable task) {
    return runAt(deadline, task)::cancel;
  }

  @Override
  public void close() {
    clearTasks();
  }
}
