package dev.reprise.master.orchestrator;

/** No orchestrator answers (on Swarm: no Docker engine); the message says where we looked and what to do (exit code 3). */
public final class OrchestratorUnreachableException extends OrchestratorException {
  private static final long serialVersionUID = 1L;

  public OrchestratorUnreachableException(String message, Throwable cause) {
    super(message, cause);
  }
}
