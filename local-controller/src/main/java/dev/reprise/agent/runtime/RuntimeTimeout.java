package dev.reprise.agent.runtime;

/**
 * The engine did not answer in time: the operation may or may not have taken effect (Jepsen's
 * {@code info}); the agent records the action's outcome as {@code unknown}.
 */
public class RuntimeTimeout extends RuntimeException {
  public RuntimeTimeout(String message, Throwable cause) {
    super(message, cause);
  }
}
