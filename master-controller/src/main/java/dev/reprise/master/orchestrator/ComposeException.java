package dev.reprise.master.orchestrator;

import java.util.List;
import java.util.stream.Collectors;

/**
 * The compose file cannot be deployed as asked: every problem found, in file order. Callers print
 * {@link #problems()} one per line and exit with code 2; nothing has been deployed.
 */
public final class ComposeException extends Exception {
  private static final long serialVersionUID = 1L;
  private final transient List<ComposeProblem> problems;

  public ComposeException(List<ComposeProblem> problems) {
    super(problems.stream().map(ComposeProblem::toString).collect(Collectors.joining("\n")));
    if (problems.isEmpty()) throw new IllegalArgumentException("a ComposeException needs at least one problem");
    this.problems = List.copyOf(problems);
  }

  /** Never empty. */
  public List<ComposeProblem> problems() {
    return problems;
  }
}
