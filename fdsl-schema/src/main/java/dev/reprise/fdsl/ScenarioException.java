package dev.reprise.fdsl;

import java.util.List;
import java.util.stream.Collectors;

/**
 * The scenario (or its compose file) is invalid. Carries every problem found, sorted by file and
 * position; callers print {@link #diagnostics()} one per line and exit with code 2.
 */
public final class ScenarioException extends Exception {
  private static final long serialVersionUID = 1L;
  private final transient List<Diagnostic> diagnostics;

  public ScenarioException(List<Diagnostic> diagnostics) {
    super(diagnostics.stream().sorted(Diagnostic.ORDER).map(Diagnostic::toString).collect(Collectors.joining("\n")));
    if (diagnostics.isEmpty()) throw new IllegalArgumentException("a ScenarioException needs at least one diagnostic");
    this.diagnostics = diagnostics.stream().sorted(Diagnostic.ORDER).distinct().toList();
  }

  /** Every problem, sorted by file, line, column. Never empty. */
  public List<Diagnostic> diagnostics() {
    return diagnostics;
  }
}
