package dev.reprise.traffic;

import java.util.Map;
import java.util.concurrent.CompletionStage;

/**
 * The store under load, in the generator's words. {@link CassandraTarget} is the real one; tests
 * use a recording fake.
 *
 * <p>Thread-safety: {@link #execute} is called from several sender threads at once; the other
 * methods from the reporter thread.
 */
public interface LoadTarget extends AutoCloseable {

  /**
   * Starts connecting in the background and returns at once: the target keeps retrying until
   * {@link #close()}, so a cluster that is down at start is waited for, not fatal.
   */
  void start();

  /**
   * Sends one operation without blocking. The stage completes normally on success, or
   * exceptionally with an {@link OperationFailedException} saying how it failed (before the
   * target is connected: at once, with {@link ErrorKind#NO_HOST}).
   */
  CompletionStage<Void> execute(Operation operation);

  /** Connections currently open to the cluster by this target (all pools, control connection). */
  int openConnections();

  /** Whether a session is established (schema created, statements prepared). */
  boolean connected();

  /** Driver performance counters by name, for the final log; empty before the first connection. */
  Map<String, Object> counters();

  /** Connection attempts, failures and the time of the first success, for the final log. */
  Map<String, Object> connectionHistory();

  /** Stops reconnecting and closes every connection; waits at most a few seconds. */
  @Override
  void close();
}
