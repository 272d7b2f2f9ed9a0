package dev.reprise.master.run;

import dev.reprise.fdsl.record.RunManifest;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The one thing shared between the run coordinator's thread and the others (the shutdown hook, a
 * handle's caller, the safety loop): they {@link #abort ask} for an abort and {@link #awaitFinished
 * wait} until the coordinator has healed, removed the stack and written the run folder, and they
 * {@link #note leave lines} the coordinator passes to the run's listeners on its own thread. Thread-safe.
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

  /** A line for the run's listeners from another thread; the coordinator passes it on within a fraction of a second. */
  public void note(dev.reprise.master.run.RunListener.Level level, String text) {
    notes.add(new Note(level, text));
  }

  /** One line left by {@link #note}. */
  record Note(RunListener.Level level, String text) {}

  /** The lines left since the last call, oldest first (the coordinator's thread). */
  java.util.List<Note> drainNotes() {
    var out = new java.util.ArrayList<Note>();
    for (Note n; (n = notes.poll()) != null; ) out.add(n);
    return out;
  }

  private final java.util.concurrent.ConcurrentLinkedQueue<Note> notes = new java.util.concurrent.ConcurrentLinkedQueue<>();

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
