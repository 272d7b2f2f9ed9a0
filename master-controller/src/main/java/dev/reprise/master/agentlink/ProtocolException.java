package dev.reprise.master.agentlink;

/** A line from the agent is not a protocol message; the message quotes the line. */
public final class ProtocolException extends Exception {
  private static final long serialVersionUID = 1L;

  public ProtocolException(String message, Throwable cause) {
    super(message, cause);
  }
}
