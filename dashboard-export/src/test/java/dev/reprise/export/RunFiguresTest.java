package dev.reprise.export;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class RunFiguresTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  private static FaultWindow fault(double start, double end) {
    return new FaultWindow(1, "cpu", "cpu", "db", List.of(0), List.of(), List.of(), T0, T0, start, end, start == end,
        "heal", "ok");
  }

  private static double[] constant(int n, double v) {
    double[] a = new double[n];
    Arrays.fill(a, v);
    return a;
  }

  @Test
  void baselineIsTheMeanP99BeforeTheFirstFaultAndPeakTheHighestOfTheRun() {
    double[] ok = constant(20, 100);
    double[] p99 = constant(20, 10);
    p99[2] = 20; // before the fault: in the baseline
    p99[12] = 90; // during it: the peak
    var f = RunFigures.of(WorkloadSeries.of(ok, null, null, null, p99), List.of(fault(5.5, 14)));
    assertThat(f.baselineP99Millis()).isEqualTo(12.0); // seconds 0..4: (10*4 + 20) / 5
    assertThat(f.peakP99Millis()).isEqualTo(90.0);
  }

  @Test
  void recoveryRunsFromTheLastHealToTheFirstSecondBackWithinTenPercent() {
    double[] ok = constant(30, 100);
    for (int k = 10; k < 18; k++) ok[k] = 40;
    ok[18] = 89; // not yet: below 90 % of 100
    var f = RunFigures.of(WorkloadSeries.of(ok, null, null, null, null), List.of(fault(10, 15.5)));
    assertThat(f.recoverySeconds()).isEqualTo(3.5); // second 19 starts 3.5 s after the heal at 15.5 s
    assertThat(f.baselineP99Millis()).isNull();
  }

  @Test
  void recoveryIsUnknownWhenThroughputNeverComesBack() {
    double[] ok = constant(20, 100);
    for (int k = 10; k < 20; k++) ok[k] = 10;
    assertThat(RunFigures.of(WorkloadSeries.of(ok, null, null, null, null), List.of(fault(10, 12))).recoverySeconds()).isNull();
  }

  @Test
  void aRunWithoutWorkloadOrFaultsHasNoRecovery() {
    assertThat(RunFigures.of(WorkloadSeries.of(new double[0], null, null, null, null), List.of(fault(1, 2))))
        .isEqualTo(RunFigures.NONE);
    assertThat(RunFigures.of(WorkloadSeries.of(constant(5, 100), null, null, null, constant(5, 3)), List.of()).recoverySeconds())
        .isNull();
  }

  @Test
  void theFaultRunFixture() throws Exception {
    var f = RunFigures.of(RunFolder.read(Fixtures.source("fault-run")));
    assertThat(f).isEqualTo(new RunFigures(8.0, 250.0, 0.0)); // back to 500 ops/s in the second the cpu burn was healed
  }
}
