package dev.reprise.fdsl.model;

import dev.reprise.fdsl.source.SourcePos;
import java.util.List;

/**
 * {@code environment.expect} and {@code environment.baseline} (extension): what a run is judged
 * against. Immutable; no I/O.
 *
 * @param budgets the budgets, in file order (empty: the comparison is not judged)
 * @param baseline the baseline to run first with {@code master run --with-baseline}; null: none declared
 */
public record Expectations(List<Budget> budgets, Baseline baseline) {
  public static final String FAULTS_OFF = "faults-off";

  public Expectations {
    budgets = List.copyOf(budgets);
  }

  public static Expectations none() {
    return new Expectations(List.of(), null);
  }

  /**
   * @param text as written: {@value #FAULTS_OFF} or a scenario path, relative to the scenario's folder
   * @param pos where it is written
   */
  public record Baseline(String text, SourcePos pos) {
    /** True for the same timeline with every fault removed. */
    public boolean faultsOff() {
      return FAULTS_OFF.equals(text);
    }
  }
}
