package dev.reprise.master.runqueue;

import dev.reprise.master.catalog.CatalogException;
import dev.reprise.master.catalog.JdbcRunCatalog;
import dev.reprise.master.catalog.RunQueueTable.QueueEntry;
import java.io.IOException;
import java.util.List;

/**
 * The queue in the run catalog's {@code run_queue} table (SQLite or PostgreSQL), the rows of one
 * cluster. Holds the catalog's connection until {@link #close}.
 */
final class CatalogQueueStore implements QueueStore {
  private final JdbcRunCatalog catalog;
  private final String cluster;

  CatalogQueueStore(JdbcRunCatalog catalog, String cluster) {
    this.catalog = catalog;
    this.cluster = cluster;
  }

  @Override
  public List<QueueEntry> load() throws IOException {
    try {
      return catalog.queueEntries(cluster);
    } catch (CatalogException e) {
      throw new IOException(e.getMessage(), e);
    }
  }

  @Override
  public void save(QueueEntry entry) throws IOException {
    try {
      catalog.putQueueEntry(entry);
    } catch (CatalogException e) {
      throw new IOException(e.getMessage(), e);
    }
  }

  @Override
  public String describe() {
    return "catalog " + catalog.location();
  }

  @Override
  public void close() {
    catalog.close();
  }
}
