package dev.reprise.master.runqueue;

/** Where a queued run is. The last four are final. */
public enum QueueState {
  /** Waiting for the cluster (one run at a time per cluster). */
  QUEUED,
  /** Its run is under way. */
  RUNNING,
  /** The run ended {@code ok}. */
  SUCCEEDED,
  /** The run ended {@code failed}, or could not start (the run's environment). */
  FAILED,
  /** Aborted ({@code POST …/abort}, a safety trip, the server stopped cleanly); healed and removed. */
  ABORTED,
  /** The server died while it ran; found so at the next start: its stack removed, its partial folder kept. */
  INTERRUPTED;

  public boolean isFinal() {
    return this != QUEUED && this != RUNNING;
  }
}
