package dev.reprise.master.orchestrator;

/**
 * The stack could not be deployed or its initial containers did not all run; the message is the
 * whole diagnosis (task states, exit codes, OOM kills, missing images, log tails), ready to print.
 */
public final class DeployException extends Exception {
  private static final long serialVersionUID = 1L;

  public DeployException(String diagnosis) {
    super(diagnosis);
  }
}
