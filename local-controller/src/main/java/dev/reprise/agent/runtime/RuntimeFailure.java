package dev.reprise.agent.runtime;

/** The engine refused or failed an operation: it did not take effect. The message says why. */
public class RuntimeFailure extends RuntimeException {
  public RuntimeFailure(String message) {
    super(message);
  }

  public RuntimeFailure(String message, Throwable cause) {
    super(message, cause);
  }
}
