package dev.reprise.export;

import static dev.reprise.export.ComparisonTest.constant;
import static dev.reprise.export.ComparisonTest.fault;
import static dev.reprise.export.ComparisonTest.series;

import dev.reprise.fdsl.model.Budget;
import dev.reprise.fdsl.parse.ExpectParser;
import java.util.List;

/** A comparison known by construction (a kill at 30.2 s, throughput halved for 8 s, 3 s of 9 % errors) and budgets from FDSL text. */
final class VerdictFixtures {
  private VerdictFixtures() {}

  static Comparison comparison() {
    int n = 120;
    double[] ok = constant(n, 1000);
    double[] err = new double[n];
    for (int k = 30; k < 38; k++) ok[k] = 500;
    for (int k = 70; k < 73; k++) err[k] = 100;
    return Comparison.of("base", series(constant(n, 1000), new double[n]), "run", series(ok, err),
        List.of(fault(1, 30.2), fault(2, 69.5)), Thresholds.DEFAULTS);
  }

  static WorkloadSeries runSeries() {
    int n = 120;
    double[] ok = constant(n, 1000);
    for (int k = 30; k < 38; k++) ok[k] = 500;
    return series(ok, new double[n]);
  }

  static List<Budget> budgets(String... lines) {
    StringBuilder b = new StringBuilder("environment:\n  expect:\n");
    for (String l : lines) b.append("    - ").append(l).append('\n');
    return ExpectParser.read(b.toString()).expectations().orElseThrow().budgets();
  }

  static List<FaultWindow> faults() {
    return List.of(fault(1, 30.2), fault(2, 69.5));
  }
}
