package dev.reprise.master.runqueue;

import dev.reprise.master.catalog.RunQueueTable.QueueEntry;
import java.io.IOException;
import java.util.List;

/**
 * Where {@link PersistentRunQueue} keeps its entries so the queue survives a restart: the run
 * catalog's {@code run_queue} table ({@link CatalogQueueStore}) or {@code <state>/queue.json}
 * ({@link FileQueueStore}). Called by the queue under its lock, one call at a time.
 */
interface QueueStore extends AutoCloseable {

  /** Every entry of this cluster's queue, by position. */
  List<QueueEntry> load() throws IOException;

  /** Records {@code entry}, replacing the one with its queue ID; on disk when this returns. */
  void save(QueueEntry entry) throws IOException;

  /** Where it is, for messages. */
  String describe();

  @Override
  void close();
}
