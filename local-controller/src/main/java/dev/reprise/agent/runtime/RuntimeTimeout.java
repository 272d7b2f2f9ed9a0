package dev.reprise.agent.runtime;

/**
 * The engine did not answer in time: the operation may or may not have taken effect (Jepsen's
 * {@code info}); the agent records the action's outcome as {@code unknown}. A command that was
 * still running at its timeout carries what it had printed by then ({@link #captured()}).
 */
public class RuntimeTimeout extends RuntimeException {
  private final String captured;

  public RuntimeTimeout(String message, Throwable cause) {
    this(message, cause, null);
  }

  /** @param captured the output a command had produced when the wait ended (null: none, or not a command) */
  public RuntimeTimeout(String message, Throwable cause, String captured) {
    super(message, cause);
    this.captured = captured;
  }

  /** What the timed-out command had printed (stdout and stderr interleaved), or null. */
  public String captured() {
    return captured;
  }
}
