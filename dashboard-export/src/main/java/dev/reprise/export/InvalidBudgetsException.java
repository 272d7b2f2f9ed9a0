package dev.reprise.export;

import java.util.List;

/** A run's scenario whose {@code environment.expect} or {@code environment.baseline} cannot be read. */
public final class InvalidBudgetsException extends IllegalArgumentException {
  private final List<String> problems;

  /** @param problems each as {@code FILE:LINE:COL: message} */
  public InvalidBudgetsException(List<String> problems) {
    super(String.join("\n", problems));
    this.problems = List.copyOf(problems);
  }

  public List<String> problems() {
    return problems;
  }
}
