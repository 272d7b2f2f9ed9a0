package dev.reprise.master.safety;

import java.time.Duration;

/**
 * The safety loop's view of an HTTP endpoint a {@code http} abort condition watches: one GET, its
 * status. {@link JdkHttpProbe} is the adapter; tests use a fake. Implementations are thread-safe and
 * never throw for what the endpoint or the network does: that is a {@link Result.Unavailable}.
 */
public interface HttpProbe {

  /**
   * GETs {@code url}, waiting at most {@code timeout} for the status line.
   *
   * @throws InterruptedException when the calling thread is interrupted (the loop is stopping)
   */
  Result get(String url, Duration timeout) throws InterruptedException;

  /** What a GET gave. */
  sealed interface Result {
    /** The endpoint answered with {@code code} (any code: the loop decides what it means). */
    record Status(int code) implements Result {}

    /** No answer: connection refused, unknown host, timeout, a malformed URL; {@code why} in one line. */
    record Unavailable(String why) implements Result {}
  }
}
