package dev.reprise.master.safety;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reprise.agent.protocol.AgentMessage;
import dev.reprise.fdsl.model.AbortCondition;
import dev.reprise.fdsl.model.AbortCondition.Comparison;
import dev.reprise.fdsl.model.AbortCondition.IfUnavailable;
import dev.reprise.fdsl.model.AbortCondition.WorkloadMetric;
import dev.reprise.fdsl.model.Safety;
import dev.reprise.fdsl.source.SourcePos;
import dev.reprise.master.run.RunCoordinator;
import dev.reprise.time.ManualTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The workload conditions, driven check by check on a manual clock (one check per second). */
class SafetyLoopWorkloadTest {
  static final Instant T = Instant.parse("2026-12-03T06:00:00Z");

  final ManualTime time = new ManualTime(T);
  final Fakes.RecordingAborter aborter = new Fakes.RecordingAborter();
  final Fakes.Messages messages = new Fakes.Messages();

  static AbortCondition.Workload workload(String name, String service, WorkloadMetric metric, double threshold,
      long windowMillis, long warmupMillis, long forMillis, IfUnavailable ifUnavailable) {
    return new AbortCondition.Workload(name, service, metric, Comparison.ABOVE, threshold, windowMillis, warmupMillis,
        forMillis, ifUnavailable, SourcePos.NONE);
  }

  SafetyLoop loop(AbortCondition... conditions) {
    var safety = new Safety(null, List.of(), List.of(conditions), null, 1_000, SourcePos.NONE);
    var loop = new SafetyLoop(safety, time, new Fakes.FakePrometheus(), new Fakes.FakeHttp(), messages, false, Runnable::run);
    loop.attached(aborter);
    loop.armed(T, Map.of());
    return loop;
  }

  /** Moves the clock to T + {@code second} s. */
  void at(int second) {
    time.advanceTo(T.plusSeconds(second));
  }

  /** A line of {@code service}.{@code id} covering the second that ends at T + {@code second}. */
  static AgentMessage.WorkloadSample line(String service, int id, int second, long ok, long failed, Double p99) {
    return new AgentMessage.WorkloadSample(service, id, T.plusSeconds(second), 1_000L, ok, failed, p99);
  }

  /** A workload's setup (its server not up yet) fails before T0: those lines are not the experiment's. */
  @Test
  void linesFromBeforeT0AreNotCounted() {
    var safety = new Safety(null, List.of(), List.of(workload("errors", "api", WorkloadMetric.ERROR_RATE, 0.1, 5_000, 0, 0,
        IfUnavailable.WARN)), null, 1_000, SourcePos.NONE);
    var loop = new SafetyLoop(safety, time, new Fakes.FakePrometheus(), new Fakes.FakeHttp(), messages, false, Runnable::run);
    loop.attached(aborter);
    loop.armed(T.plusSeconds(3), Map.of());
    for (int s = 1; s <= 6; s++) {
      at(s);
      loop.workloadSample("h1", line("api", 1, s, s <= 2 ? 0 : 100, s <= 2 ? 100 : 0, 5.0));
      if (s >= 4) loop.checkOnce();
    }
    assertThat(aborter.reasons).as("only the failures before T0 were over the threshold").isEmpty();
  }

  @Test
  void errorRateSumsTheWindowOverEveryContainerOfTheServiceAndTrips() {
    var loop = loop(workload("errors", "api", WorkloadMetric.ERROR_RATE, 0.1, 5_000, 0, 0, IfUnavailable.WARN));
    for (int s = 1; s <= 7; s++) {
      at(s);
      boolean bad = s >= 6;
      loop.workloadSample("h1", line("api", 1, s, bad ? 0 : 100, bad ? 100 : 0, 5.0));
      loop.workloadSample("h2", line("api", 2, s, 100, 0, 5.0));
      loop.workloadSample("h2", line("web", 1, s, 0, 100, null)); // another service: not counted
      loop.checkOnce();
      if (s < 7) assertThat(aborter.reasons).as("second %d", s).isEmpty();
    }
    // at 6: window (1, 6] holds 10 lines, 100 failed of 1000 = 0.1, not above; at 7: 200 of 1000
    assertThat(aborter.reasons).hasSize(1);
    var trip = aborter.trips.get(0);
    assertThat(trip.condition()).isEqualTo("errors");
    assertThat(trip.kind()).isEqualTo("workload");
    assertThat(trip.value()).isEqualTo(0.2);
    assertThat(trip.threshold()).isEqualTo(0.1);
    assertThat(trip.at()).isEqualTo(T.plusSeconds(7));
    assertThat(trip.detail()).isEqualTo(aborter.reasons.get(0))
        .isEqualTo("safety: errors: 20% above 10% (error rate of service api over 5 s: 10 lines from 2 containers,"
            + " the newest at 2026-12-03T06:00:07Z)");
    assertThat(messages.lines).containsExactly("ERROR error: " + trip.detail());
    var tripped = loop.tripped().orElseThrow();
    assertThat(tripped.sampleTime()).isEqualTo(T.plusSeconds(7));
    assertThat(tripped.firstHeldAt()).isEqualTo(T.plusSeconds(7));
    assertThat(tripped.heldToAbort()).isEqualTo(Duration.ZERO);
    assertThat(tripped.checks()).isEqualTo(7);
  }

  @Test
  void errorRateBelowTheThresholdNeverTrips() {
    var loop = loop(workload("errors", null, WorkloadMetric.ERROR_RATE, 0.1, 5_000, 0, 0, IfUnavailable.WARN));
    for (int s = 1; s <= 30; s++) {
      at(s);
      loop.workloadSample("h1", line("api", 1, s, 95, 5, 5.0));
      loop.workloadSample("h1", line("web", 1, s, 100, 10, 5.0));
      loop.checkOnce();
    }
    assertThat(aborter.reasons).isEmpty();
    assertThat(messages.lines).isEmpty();
    assertThat(loop.checks()).isEqualTo(30);
    assertThat(loop.lastCheckAt()).isEqualTo(T.plusSeconds(30));
  }

  @Test
  void p99IsTheLargestInTheWindowAndOlderLinesDoNotCount() {
    var loop = loop(workload("slow", "api", WorkloadMetric.P99_LATENCY, 300, 3_000, 0, 0, IfUnavailable.WARN));
    loop.workloadSample("h1", line("api", 1, 1, 100, 0, 900.0)); // leaves the window before the first check
    for (int s = 2; s <= 6; s++) {
      at(s);
      loop.workloadSample("h1", line("api", 1, s, 100, 0, 100.0 + s));
      loop.workloadSample("h2", line("api", 2, s, 100, 0, s == 6 ? 250.0 : 50.0));
    }
    loop.checkOnce();
    assertThat(aborter.reasons).isEmpty();

    at(7);
    loop.workloadSample("h2", line("api", 2, 7, 100, 0, 420.0));
    loop.workloadSample("h1", line("api", 1, 7, 100, 0, 120.0));
    loop.checkOnce();
    assertThat(aborter.trips).hasSize(1);
    assertThat(aborter.trips.get(0).value()).isEqualTo(420.0);
    assertThat(aborter.reasons.get(0)).startsWith("safety: slow: 420 ms above 300 ms (p99 latency of service api over 3 s");
  }

  @Test
  void throughputDropIsNotJudgedDuringTheWarmupThenComparesAgainstIt() {
    var loop = loop(workload("drop", "api", WorkloadMetric.THROUGHPUT_DROP, 0.5, 3_000, 5_000, 0, IfUnavailable.WARN));
    for (int s = 1; s <= 5; s++) {
      at(s);
      loop.workloadSample("h1", line("api", 1, s, 60, 0, 5.0));
      loop.workloadSample("h2", line("api", 2, s, 40, 0, 5.0));
      loop.checkOnce();
    }
    assertThat(messages.lines).as("warming up is not 'unavailable'").isEmpty();
    long[] okPerSecond = {100, 40, 40, 40};
    for (int i = 0; i < okPerSecond.length; i++) {
      int s = 6 + i;
      at(s);
      loop.workloadSample("h1", line("api", 1, s, okPerSecond[i] / 2, 10, 5.0));
      loop.workloadSample("h2", line("api", 2, s, okPerSecond[i] / 2, 10, 5.0));
      loop.checkOnce();
      // reference 100 ops/s; at 8: (100 + 40 + 40) / 3 s = 60 ops/s, a drop of 0.4
      if (s < 9) assertThat(aborter.reasons).as("second %d", s).isEmpty();
    }
    assertThat(aborter.trips).hasSize(1);
    assertThat(aborter.trips.get(0).value()).isCloseTo(0.6, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(aborter.reasons.get(0)).startsWith("safety: drop: 60% above 50% (throughput drop of service api over 3 s")
        .contains("40 ops/s against 100 ops/s over the warm-up");
    assertThat(messages.lines).hasSize(1);
  }

  @Test
  void forIsHonouredAFlappingFigureNeverTripsOneThatHoldsTripsExactlyOnce() {
    var loop = loop(workload("errors", "api", WorkloadMetric.ERROR_RATE, 0.5, 1_000, 0, 3_000, IfUnavailable.WARN));
    int s = 0;
    for (int round = 0; round < 10; round++) {
      for (int k = 0; k < 3; k++) { // holds at three checks in a row (2 s), then does not
        s++;
        at(s);
        loop.workloadSample("h1", line("api", 1, s, k < 3 ? 0 : 100, 100, null));
        loop.checkOnce();
      }
      s++;
      at(s);
      loop.workloadSample("h1", line("api", 1, s, 100, 0, 5.0));
      loop.checkOnce();
    }
    assertThat(aborter.reasons).as("never held for 3 s").isEmpty();

    int firstHeld = s + 1;
    for (int k = 0; k < 10; k++) {
      s++;
      at(s);
      loop.workloadSample("h1", line("api", 1, s, 0, 100, null));
      loop.checkOnce();
    }
    assertThat(aborter.reasons).hasSize(1);
    var trip = aborter.trips.get(0);
    assertThat(trip.at()).isEqualTo(T.plusSeconds(firstHeld + 3));
    assertThat(trip.detail()).startsWith("safety: errors: 100% above 50% for 3 s (")
        .endsWith("the newest at " + T.plusSeconds(firstHeld + 3) + ")");
    assertThat(loop.tripped().orElseThrow().firstHeldAt()).isEqualTo(T.plusSeconds(firstHeld));
    var tripped = loop.tripped().orElseThrow();
    assertThat(tripped.heldToAbort()).isEqualTo(Duration.ofSeconds(3));
    assertThat(tripped.sampleToAbort()).isEqualTo(Duration.ofSeconds(3));
    assertThat(loop.checks()).as("no check after the trip").isEqualTo(40 + 4);
  }

  @Test
  void noLinesWithWarnIsOneWarningOneRecoveryAndNoTrip() {
    var loop = loop(workload("errors", "api", WorkloadMetric.ERROR_RATE, 0.1, 3_000, 0, 0, IfUnavailable.WARN));
    for (int s = 1; s <= 3; s++) {
      at(s);
      loop.checkOnce();
    }
    for (int s = 4; s <= 8; s++) {
      at(s);
      loop.workloadSample("h1", line("api", 1, s, 100, 0, 5.0));
      loop.checkOnce();
    }
    for (int s = 9; s <= 20; s++) { // the workload went quiet: its last window must not stand forever
      at(s);
      loop.checkOnce();
    }
    assertThat(aborter.reasons).isEmpty();
    assertThat(messages.lines).containsExactly(
        "WARNING warning: safety: errors: no workload lines from service api yet (the condition does not hold meanwhile)",
        "INFO safety: errors: answering again",
        "WARNING warning: safety: errors: no workload lines from service api in the last 3 s"
            + " (the condition does not hold meanwhile)");
  }

  @Test
  void noLinesWithAbortTripsAfterForWithoutAValue() {
    var loop = loop(workload("errors", "api", WorkloadMetric.ERROR_RATE, 0.1, 3_000, 0, 2_000, IfUnavailable.ABORT));
    for (int s = 1; s <= 5; s++) {
      at(s);
      loop.checkOnce();
      if (s < 3) assertThat(aborter.reasons).isEmpty();
    }
    assertThat(aborter.trips).hasSize(1);
    var trip = aborter.trips.get(0);
    assertThat(trip.value()).isNull();
    assertThat(trip.threshold()).isEqualTo(0.1);
    assertThat(trip.at()).isEqualTo(T.plusSeconds(3));
    assertThat(trip.detail()).isEqualTo("safety: errors: unavailable for 2 s: no workload lines from service api yet"
        + " (if_unavailable: abort)");
    assertThat(messages.lines).hasSize(2);
    assertThat(messages.lines.get(0)).startsWith("WARNING warning: safety: errors: no workload lines");
    assertThat(messages.lines.get(1)).isEqualTo("ERROR error: " + trip.detail());
  }

  @Test
  void memoryIsBoundedByTheWindowAndTheWarmupStillOpen() {
    var loop = loop(workload("errors", null, WorkloadMetric.ERROR_RATE, 0.9, 5_000, 0, 0, IfUnavailable.WARN),
        workload("drop", "api", WorkloadMetric.THROUGHPUT_DROP, 0.9, 5_000, 60_000, 0, IfUnavailable.WARN),
        workload("ghost drop", "ghost", WorkloadMetric.THROUGHPUT_DROP, 0.9, 5_000, 30_000, 0, IfUnavailable.WARN));
    int margin = (int) (WorkloadWindow.PRUNE_MARGIN_MILLIS / 1000);
    for (int s = 1; s <= 600; s++) {
      at(s);
      for (int id = 1; id <= 3; id++) loop.workloadSample("h1", line("api", id, s, 100, 0, 5.0));
      loop.checkOnce();
      // api's warm-up (60 s) keeps every line until a line ends after it; then the 5 s window does
      if (s == 60) assertThat(loop.workloadWindow().size()).isEqualTo(3 * 60);
    }
    // a service that never wrote a line (ghost) keeps nothing; 5 s window + the prune margin per container
    assertThat(loop.workloadWindow().size()).isLessThanOrEqualTo(3 * (5 + margin + 1));
    assertThat(aborter.reasons).isEmpty();
  }

  @Test
  void checksOnlyWhileArmedAndRunning() {
    var safety = new Safety(null, List.of(),
        List.of(workload("errors", null, WorkloadMetric.ERROR_RATE, 0.1, 5_000, 0, 0, IfUnavailable.WARN)), null,
        1_000, SourcePos.NONE);
    var loop = new SafetyLoop(safety, time, new Fakes.FakePrometheus(), new Fakes.FakeHttp(), messages, false,
        Runnable::run);
    loop.attached(aborter);
    loop.checkOnce();
    assertThat(loop.checks()).as("before armed").isZero();
    loop.armed(T, Map.of());
    loop.stateChanged(RunCoordinator.State.ARMING, RunCoordinator.State.RUNNING);
    loop.checkOnce();
    assertThat(loop.checks()).isEqualTo(1);
    loop.stateChanged(RunCoordinator.State.RUNNING, RunCoordinator.State.STOPPING_AGENT);
    at(10);
    loop.checkOnce();
    assertThat(loop.checks()).as("after RUNNING").isEqualTo(1);
    assertThat(aborter.reasons).isEmpty();
  }

  @Test
  void describeNamesWhatAConditionChecks() {
    assertThat(SafetyLoop.describe(workload(null, "api", WorkloadMetric.ERROR_RATE, 0.05, 10_000, 0, 0, IfUnavailable.WARN)))
        .isEqualTo("error rate of service api over 10 s above 0.05");
    assertThat(SafetyLoop.describe(workload(null, null, WorkloadMetric.P99_LATENCY, 250, 5_000, 0, 3_000, IfUnavailable.WARN)))
        .isEqualTo("p99 latency of the workload over 5 s above 250 ms for 3 s");
    assertThat(SafetyLoop.describe(workload(null, "api", WorkloadMetric.THROUGHPUT_DROP, 0.5, 10_000, 30_000, 0,
        IfUnavailable.WARN))).isEqualTo("throughput drop of service api over 10 s (against the first 30 s) above 0.5");
    assertThat(SafetyLoop.describe(new AbortCondition.PrometheusQuery(null, null, "up{job=\"db\"}", Comparison.BELOW, 1,
        0, IfUnavailable.WARN, SourcePos.NONE))).isEqualTo("prometheus up{job=\"db\"} below 1");
    assertThat(SafetyLoop.describe(new AbortCondition.HttpCheck(null, "http://127.0.0.1:8080/health", 1_000, 2_500,
        IfUnavailable.WARN, SourcePos.NONE))).isEqualTo("GET http://127.0.0.1:8080/health answers outside 2xx for 2.5 s");
    // a condition without a name is called by what it checks
    var loop = loop(workload(null, "api", WorkloadMetric.ERROR_RATE, 0.05, 10_000, 0, 0, IfUnavailable.WARN));
    at(1);
    loop.workloadSample("h1", line("api", 1, 1, 0, 10, null));
    loop.checkOnce();
    assertThat(aborter.trips.get(0).condition()).isEqualTo("error rate of service api over 10 s above 0.05");
  }
}
