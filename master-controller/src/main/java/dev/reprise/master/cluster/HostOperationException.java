package dev.reprise.master.cluster;

import java.util.List;

/** A cluster operation that failed on some hosts; {@link #problems()} names each host and why. */
public final class HostOperationException extends Exception {
  private final List<String> problems;
  private final boolean environment;

  /** @param environment true when hosts were unreachable or lacked Docker (exit 3), false when an operation failed (exit 1) */
  public HostOperationException(List<String> problems, boolean environment) {
    super(String.join("\n", problems));
    this.problems = List.copyOf(problems);
    this.environment = environment;
  }

  public List<String> problems() {
    return problems;
  }

  public boolean environment() {
    return environment;
  }
}
