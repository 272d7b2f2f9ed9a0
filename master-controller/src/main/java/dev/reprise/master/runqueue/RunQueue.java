package dev.reprise.master.runqueue;

import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Runs submitted over the control plane: validated at once, queued, and run one at a time per
 * cluster through the same path as {@code master run} (records, export, catalog). The queue survives
 * a restart of the server: it is kept in the run catalog when there is one, otherwise in a file;
 * a run that was running when the server died is {@link QueueState#INTERRUPTED} at the next start
 * and the queued ones go on. Thread-safe.
 */
public interface RunQueue extends AutoCloseable {

  /** Validates and plans {@code submission} (every problem at once), then queues it and returns it {@link QueueState#QUEUED}. */
  QueuedRun submit(RunSubmission submission) throws SubmissionException;

  /** Every run the queue knows, newest first. */
  List<QueuedRun> list();

  /** The run of that ID now; empty when unknown. */
  Optional<QueuedRun> get(String id);

  /**
   * Aborts it: a queued run is dropped ({@link QueueState#ABORTED} at once), a running one is healed
   * and removed as by Ctrl-C. Returns its state after asking; empty when unknown. Final runs are returned as they are.
   */
  Optional<QueuedRun> abort(String id);

  /**
   * Feeds {@code sink} every event of run {@code id} after {@code afterEventId} (0: from the first),
   * then each new one as it happens, on a thread of the queue's, in order, until the {@code ended}
   * event or {@link Subscription#close}. Empty when the run is unknown.
   */
  Optional<Subscription> subscribe(String id, long afterEventId, Consumer<RunEvent> sink);

  /** A live feed of one run's events; closing it stops the feed (idempotent). */
  interface Subscription extends AutoCloseable {
    @Override
    void close();
  }

  /** Stops taking runs; aborts the running one (healed, removed) and waits for it; queued ones stay queued for the next start. */
  @Override
  void close();
}
