package dev.reprise.master.deploy;

/** The engine refused or failed a request; the message is the engine's, prefixed with what was asked. */
public class ClusterException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ClusterException(String message, Throwable cause) {
    super(message, cause);
  }

  public ClusterException(String message) {
    super(message);
  }
}
