package dev.reprise.export;

import static dev.reprise.export.VerdictFixtures.budgets;
import static dev.reprise.export.VerdictFixtures.comparison;
import static org.assertj.core.api.Assertions.assertThat;

import dev.reprise.export.Verdict.Status;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Budgets judged on a comparison whose figures are known by construction: recovery 7.8 s and 3.5 s, dip 50 %, errors 0.28 %. */
class VerdictTest {
  static Verdict judge(DataLoss loss, String... budgets) {
    Comparison c = comparison();
    return Verdict.of(budgets(budgets), c, 0.5, loss);
  }

  static List<Status> statuses(Verdict v) {
    return v.checks().stream().map(Verdict.Check::status).toList();
  }

  @Test void recoveryIsTheLongestFaultsRecovery() {
    Verdict v = judge(DataLoss.UNKNOWN, "recovery_seconds < 8", "recovery_seconds < 7");
    assertThat(statuses(v)).containsExactly(Status.PASS, Status.FAIL);
    assertThat(v.checks().get(0).measured()).isEqualTo(38 - 30.2, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(v.checks().get(0).measuredText()).isEqualTo("7.8 s");
    assertThat(v.checks().get(0).note()).isEqualTo("the longest: fault 1 (kill on db)");
    assertThat(v.passed()).isFalse();
    assertThat(v.misses()).isEqualTo(1);
  }

  @Test void anUnrecoveredFaultMissesEveryRecoveryBudget() {
    int n = 60;
    double[] ok = ComparisonTest.constant(n, 1000);
    for (int k = 40; k < n; k++) ok[k] = 100;
    Comparison c = Comparison.of("b", ComparisonTest.series(ComparisonTest.constant(n, 1000), new double[n]), "r",
        ComparisonTest.series(ok, new double[n]), List.of(ComparisonTest.fault(1, 40)), Thresholds.DEFAULTS);
    Verdict v = Verdict.of(budgets("recovery_seconds < 1000"), c, 0.9, DataLoss.UNKNOWN);
    assertThat(v.checks().get(0).status()).isEqualTo(Status.FAIL);
    assertThat(v.checks().get(0).measuredText()).isEqualTo("not recovered");
  }

  @Test void errorRateDipAndLatency() {
    Verdict v = judge(DataLoss.UNKNOWN, "error_rate < 0.5%", "error_rate < 0.1%", "throughput_dip < 60%",
        "throughput_dip <= 20%", "p95_latency < 200ms", "p99_latency < 5", "p50_latency >= 1");
    assertThat(statuses(v)).containsExactly(Status.PASS, Status.FAIL, Status.PASS, Status.FAIL, Status.PASS, Status.FAIL,
        Status.PASS);
    assertThat(v.checks().get(2).measuredText()).isEqualTo("50.00%");
  }

  @Test void dataLossUnknownIsAMissNoneIsAPassSomeIsAFail() {
    assertThat(statuses(judge(DataLoss.UNKNOWN, "data_loss: none", "writes_lost <= 0")))
        .containsExactly(Status.UNKNOWN, Status.UNKNOWN);
    assertThat(judge(DataLoss.UNKNOWN, "data_loss: none").passed()).isFalse();
    assertThat(statuses(judge(new DataLoss(false, 0L, 1), "data_loss: none", "writes_lost <= 0")))
        .containsExactly(Status.PASS, Status.PASS);
    assertThat(statuses(judge(new DataLoss(true, 3L, 2), "data_loss: none", "writes_lost <= 2", "writes_lost <= 3")))
        .containsExactly(Status.FAIL, Status.FAIL, Status.PASS);
  }

  @Test void noBudgetsIsNotJudgedAndPasses() {
    Verdict v = judge(DataLoss.UNKNOWN);
    assertThat(v.judged()).isFalse();
    assertThat(v.passed()).isTrue();
  }

  @Test void noFaultMeansRecoveryIsUnknown() {
    int n = 30;
    Comparison c = Comparison.of("b", ComparisonTest.series(ComparisonTest.constant(n, 10), new double[n]), "r",
        ComparisonTest.series(ComparisonTest.constant(n, 10), new double[n]), List.of(), Thresholds.DEFAULTS);
    Verdict v = Verdict.of(budgets("recovery_seconds < 15"), c, 0.0, DataLoss.UNKNOWN);
    assertThat(v.checks().get(0).status()).isEqualTo(Status.UNKNOWN);
    assertThat(v.checks().get(0).note()).isEqualTo("the run injected no fault to recover from");
  }

  @Test void theTerminalTextHasOneLinePerBudgetAndTheResult() {
    String text = RunComparison.verdictText(judge(DataLoss.UNKNOWN, "recovery_seconds < 15", "error_rate < 0.1%"));
    assertThat(text.lines().toList()).containsExactly(
        "PASS    recovery_seconds < 15        measured 7.8 s (the longest: fault 1 (kill on db))",
        "FAIL    error_rate < 0.1%            measured 0.28%",
        "verdict: FAIL (1 of 2 budgets missed)");
  }
}
