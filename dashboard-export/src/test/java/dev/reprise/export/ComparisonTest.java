package dev.reprise.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Comparison on synthetic series whose anomaly windows and recovery times are known by construction. */
class ComparisonTest {
  static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");

  static double[] constant(int n, double v) {
    double[] a = new double[n];
    Arrays.fill(a, v);
    return a;
  }

  static FaultWindow fault(int seq, double at) {
    return new FaultWindow(seq, "kill", "kill", "db", List.of(0), List.of(), List.of(), T0, T0, at, at, true,
        "instant", "ok");
  }

  static WorkloadSeries series(double[] ok, double[] err) {
    return WorkloadSeries.of(ok, err, constant(ok.length, 1.0), constant(ok.length, 2.0), constant(ok.length, 5.0));
  }

  @Test
  void findsThroughputDropsAndErrorBurstsAsWindowsAndRecoveryFromInjection() {
    int n = 120;
    double[] base = constant(n, 1000);
    base[50] = 400; // the baseline's own noise does not move its median
    double[] ok = constant(n, 1000);
    double[] err = new double[n];
    for (int k = 30; k < 38; k++) {
      ok[k] = 500;              // 50 % drop for 8 s after a fault at 30.2
    }
    ok[38] = 850;               // 15 % below: within the 20 % threshold, not anomalous
    for (int k = 70; k < 73; k++) {
      err[k] = 100;             // 100 errors / 1100 operations = 9 % > 5 %
    }
    err[80] = 20;               // 2 %: below the error threshold
    ok[5] = 0;                  // inside the warm-up: ignored
    Comparison c = Comparison.of("base", series(base, new double[n]), "run", series(ok, err),
        List.of(fault(2, 69.5), fault(1, 30.2)), Thresholds.DEFAULTS);

    assertThat(c.referenceThroughput()).isEqualTo(1000.0);
    assertThat(c.anomalies()).containsExactly(
        new Comparison.AnomalyWindow(30, 38, "throughput"),
        new Comparison.AnomalyWindow(70, 73, "errors"));
    assertThat(c.recoveries()).hasSize(2);
    Comparison.Recovery first = c.recoveries().get(0);
    assertThat(first.seq()).isEqualTo(1);
    assertThat(first.recovered()).isTrue();
    assertThat(first.recoverySeconds()).isCloseTo(38 - 30.2, offset(1e-9));
    assertThat(first.anomalousSeconds()).isEqualTo(8);
    Comparison.Recovery second = c.recoveries().get(1);
    assertThat(second.recoverySeconds()).isCloseTo(73 - 69.5, offset(1e-9));
    assertThat(second.recoveredAt()).isEqualTo(73.0);
    assertThat(c.runSummary().seconds()).isEqualTo(n - 10);
    assertThat(c.baselineSummary().p99()).isEqualTo(5.0);
  }

  @Test
  void aFaultWithoutImpactRecoversInZeroAndOneThatNeverRecoversHasNoRecoveryTime() {
    int n = 60;
    double[] ok = constant(n, 100);
    for (int k = 40; k < n; k++) {
      ok[k] = 10;
    }
    Comparison c = Comparison.of("b", series(constant(n, 100), null), "r", series(ok, null),
        List.of(fault(1, 20), fault(2, 39.9)), Thresholds.DEFAULTS);
    assertThat(c.anomalies()).containsExactly(new Comparison.AnomalyWindow(40, 60, "throughput"));
    assertThat(c.recoveries().get(0).recoverySeconds()).isEqualTo(0.0);
    assertThat(c.recoveries().get(0).anomalousSeconds()).isZero();
    assertThat(c.recoveries().get(1).recovered()).isFalse();
    assertThat(c.recoveries().get(1).recoverySeconds()).isNull();
  }

  @Test
  void unreportedSecondsInsideTheRunCountAsZeroThroughputButTheRunsEndDoesNot() {
    int n = 50;
    double[] ok = constant(n, 100);
    ok[20] = Double.NaN; // the client could not report
    ok[48] = Double.NaN;
    ok[49] = Double.NaN; // the run's data ends at 48
    Comparison c = Comparison.of("b", series(constant(n, 100), null), "r", series(ok, null), List.of(),
        Thresholds.DEFAULTS);
    assertThat(c.anomalies()).containsExactly(new Comparison.AnomalyWindow(20, 21, "throughput"));
  }

  @Test
  void thresholdsAreConfigurable() {
    int n = 40;
    double[] ok = constant(n, 100);
    ok[15] = 85;
    ok[25] = 85;
    ok[26] = 85;
    ok[2] = 0;
    Comparison strict = Comparison.of("b", series(constant(n, 100), null), "r", series(ok, null), List.of(),
        new Thresholds(0.1, 0.05, 0, 2));
    assertThat(strict.anomalies()).containsExactly(new Comparison.AnomalyWindow(25, 27, "throughput"));
    Comparison withoutWarmup = Comparison.of("b", series(constant(n, 100), null), "r", series(ok, null), List.of(),
        new Thresholds(0.1, 0.05, 0, 1));
    assertThat(withoutWarmup.anomalies()).extracting(Comparison.AnomalyWindow::from).containsExactly(2, 15, 25);
  }

  @Test
  void thresholdsOutOfRangeAreRejectedWithTheRule() {
    assertThatThrownBy(() -> new Thresholds(20, 0.05, 10, 1)).hasMessageContaining("between 0 and 1");
    assertThatThrownBy(() -> new Thresholds(0.2, 0.05, -1, 1)).hasMessageContaining("warm-up");
  }
}
