package dev.reprise.master.orchestrator;

/**
 * The orchestrator (on Swarm: the Docker engine) refused or failed a request, or the cluster is not
 * in a state a run can use; the message is the orchestrator's reason, prefixed with what was asked.
 * Unchecked: every call of {@link Orchestrator} that contacts the cluster may throw it.
 */
public class OrchestratorException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public OrchestratorException(String message, Throwable cause) {
    super(message, cause);
  }

  public OrchestratorException(String message) {
    super(message);
  }
}
