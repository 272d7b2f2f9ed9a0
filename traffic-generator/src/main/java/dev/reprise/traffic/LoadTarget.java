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

  /**
   * Whether the target is ready for load: connected and able to serve (Cassandra: session built,
   * schema created and agreed, a probe write and read answered). The pacing clock starts then.
   */
  boolean connected();

  /** Driver performance counters by name, for the final log; empty before the first connection. */
  Map<String, Object> counters();

  /** Connection attempts, failures and the time of the first success, for the final log. */
  Map<String, Object> connectionHistory();

  /**
   * Target-specific figures of the interval just ended, added to its per-second line after the
   * contract's fields (e.g. HTTP status classes), and reset. Called on the reporting thread.
   */
  default Map<String, Object> takeIntervalFields() {
    return Map.of();
  }

  /** Whether {@link #verifyWrites} is implemented ({@code --verify-writes}). */
  default boolean verifiesWrites() {
    return false;
  }

  /**
   * Reads back the writes of this run whose indices are given (each was acknowledged) and says
   * which are missing. Blocking; called once at the end, after the load stopped.
   *
   * @throws RuntimeException when the store cannot be read (the final log says the check failed)
   */
  default WriteCheck verifyWrites(long[] acknowledgedIndices, java.time.Duration timeout) {
    throw new UnsupportedOperationException("this target cannot read its writes back");
  }

  /**
   * The result of {@link #verifyWrites}: {@code lost} acknowledged writes were not found;
   * {@code firstLost} are some of their operation indices, for the final log.
   */
  record WriteCheck(long checked, long lost, java.util.List<Long> firstLost) {}

  /** Stops reconnecting and closes every connection; waits at most a few seconds. */
  @Override
  void close();
}
