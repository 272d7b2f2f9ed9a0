package dev.reprise.agent.runtime;

import java.time.Duration;

/** A command started inside a container. */
public interface RunningExec {
  /** The engine's exec ID. */
  String id();

  /** The command's PID on the host (0 when unknown or already ended). */
  long hostPid();

  /**
   * Waits for the command to end, at most {@code timeout}.
   *
   * @throws RuntimeTimeout when it is still running after {@code timeout}
   */
  ExecResult await(Duration timeout) throws InterruptedException;
}
