package dev.reprise.traffic;

/**
 * Connection-level stress in the generator's words: {@code --storm} and {@code --leak}. The real
 * one is {@link CassandraTarget}; tests use a recording fake. Calls block; each comes from the one
 * stress thread that owns that kind of stress.
 */
public interface ConnectionStress {

  /**
   * Opens a complete client session to the cluster and closes it again ({@code --storm}).
   *
   * @throws RuntimeException when the session could not be opened (counted, and retried later)
   */
  void cycleSession();

  /**
   * Opens one CQL connection (TCP + protocol handshake) and never closes it ({@code --leak}).
   *
   * @throws RuntimeException when the connection could not be opened
   */
  void leakConnection();

  /** Connections opened by {@link #leakConnection()} that are still open. */
  int leakedConnections();

  /** Sessions {@link #cycleSession()} currently holds open (0 or 1 per storm thread). */
  int stormConnections();
}
