package dev.reprise.master.ssh;

import java.io.IOException;

/** A host key that the known_hosts policy refuses: unknown (without --accept-new-host-keys) or changed. */
public final class HostKeyException extends IOException {
  /** Why the key was refused. */
  public enum Reason { UNKNOWN, CHANGED }

  private final Reason reason;

  public HostKeyException(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
