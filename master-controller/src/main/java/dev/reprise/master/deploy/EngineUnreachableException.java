package dev.reprise.master.deploy;

/** No Docker engine answers; the message says where we looked and what to do (exit code 3). */
public final class EngineUnreachableException extends ClusterException {
  private static final long serialVersionUID = 1L;

  public EngineUnreachableException(String message, Throwable cause) {
    super(message, cause);
  }
}
