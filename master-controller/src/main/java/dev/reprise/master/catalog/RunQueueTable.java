package dev.reprise.master.catalog;

import java.time.Instant;
import java.util.List;

/**
 * The control plane's run queue as the run catalog keeps it (table {@code run_queue}, migration V2):
 * one entry per submitted run, per cluster, replaced whenever it changes. A port in our words,
 * served by {@link JdbcRunCatalog}; same threading contract as {@link RunCatalog} (one thread at a time).
 */
public interface RunQueueTable {

  /**
   * One submitted run.
   *
   * @param queueId the queue's ID for it
   * @param cluster the cluster whose queue it is in ({@code local}, or the swarm manager's host name)
   * @param position its place in that queue (submission order)
   * @param state the queue state's name ({@code QUEUED}, {@code RUNNING}, …)
   * @param submissionDir its folder under the server's state dir
   * @param seed the submitted seed, or null (the scenario's)
   */
  record QueueEntry(String queueId, String cluster, long position, String name, String state, String submissionDir,
      Long seed, Instant submittedAt, Instant startedAt, Instant endedAt, String runId, String runDir, int actionsPlanned,
      int actionsFired, String outcome, String message) {}

  /** Records {@code entry}, replacing what was recorded under its queue ID. */
  void putQueueEntry(QueueEntry entry) throws CatalogException;

  /** Every entry of {@code cluster}'s queue, by position. */
  List<QueueEntry> queueEntries(String cluster) throws CatalogException;
}
