package dev.reprise.master.run;

import dev.reprise.fdsl.record.RunManifest;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The one thing shared between the run coordinator's thread and the shutdown hook: the hook
 * {@link #abort asks} for an abort and {@link #awaitFinished waits} until the coordinator has healed,
 * removed the stack and written the run folder. Thread-safe.
 */
public final class AbortSignal {
  private final AtomicReference<String> reason = new AtomicReference<>();
  private final AtomicReference<RunManifest.SafetyTrip> trip = new AtomicReference<>();
  private final CountDownLatch finished = new CountDownLatch(1);

  /** Asks the run to abort; the first reason wins. Any thread. */
  public void abort(String why) {
    reason.compareAndSet(null, why);
  }

  /**
   * Asks the run to abort because a safety condition tripped; when this is the first abort asked
   * for, {@code trip} goes into {@code run.json}. Any thread.
   */
  public void abort(String why, RunManifest.SafetyTrip trip) {
    if (reason.compareAndSet(null, why)) this.trip.set(trip);
  }

  /** The safety condition that aborted the run, or null (not aborted, or aborted otherwise). */
  public RunManifest.SafetyTrip trip() {
    return reason.get() == null ? null : trip.get();
  }

  /** Null until someone asked to abort. */
  public String reason() {
    return reason.get();
  }

  public boolean aborted() {
    return reason.get() != null;
  }

  /** Called by the coordinator once the run folder is final. */
  public void finished() {
    finished.countDown();
  }

  public boolean isFinished() {
    return finished.getCount() == 0;
  }

  /** Waits up to {@code timeout} for {@link #finished}; true when it happened. */
  public boolean awaitFinished(Duration timeout) throws InterruptedException {
    return finished.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }
}
