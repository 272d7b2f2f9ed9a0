package dev.reprise.master.run.time;

import dev.reprise.agent.testing.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The master's {@link Time} on the agent's {@link ManualClock}: it moves only when told to, or when
 * someone sleeps on it (a sleep advances it). After each advance the {@link #onAdvance} listeners
 * run on the advancing thread (a {@link ManualTicker} runs its due tasks). Thread-safe.
 */
public final class ManualTime implements Time {
  private final ManualClock clock;
  private final List<Runnable> listeners = new CopyOnWriteArrayList<>();

  public ManualTime(Instant start) {
    this.clock = new ManualClock(start);
  }

  @Override
  public Instant now() {
    return clock.now();
  }

  @Override
  public long nanoTime() {
    return clock.nanoTime();
  }

  @Override
  public void sleep(Duration duration) {
    advance(duration);
  }

  public void advance(Duration d) {
    clock.advance(d);
    listeners.forEach(Runnable::run);
  }

  /** Runs {@code listener} after every advance. */
  public void onAdvance(Runnable listener) {
    listeners.add(listener);
  }
}
