package dev.reprise.traffic;

/**
 * How a failed operation failed, as the per-second line reports it. The adapter maps driver
 * exceptions to these; anything it cannot place is {@link #OTHER}.
 */
public enum ErrorKind {
  /** The client or a coordinator gave up waiting (client timeout, read/write timeout). */
  TIMEOUT("timeout"),
  /** A coordinator answered but not enough replicas were alive for the consistency level. */
  UNAVAILABLE("unavailable"),
  /** No node could be tried: not connected yet, all nodes down or unreachable. */
  NO_HOST("no_host"),
  /** Anything else (overloaded, syntax, server error, ...). */
  OTHER("other");

  private final String jsonName;

  ErrorKind(String jsonName) {
    this.jsonName = jsonName;
  }

  /** The key in the {@code errors} object of the JSON outputs. */
  public String jsonName() {
    return jsonName;
  }
}
