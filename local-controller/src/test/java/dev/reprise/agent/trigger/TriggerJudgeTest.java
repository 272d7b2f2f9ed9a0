package dev.reprise.agent.trigger;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reprise.agent.runtime.LogLine;
import dev.reprise.agent.trigger.TriggerJudge.Kind;
import dev.reprise.agent.trigger.TriggerJudge.Match;
import dev.reprise.fdsl.plan.PlannedTrigger;
import dev.reprise.time.ManualTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Firing a triggered moment from a fake log stream on a manual clock; timeouts skip or fail. */
class TriggerJudgeTest {
  static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  static PlannedTrigger log(long earliest, long timeout, String onTimeout, int count) {
    return new PlannedTrigger(2, earliest, timeout, onTimeout, "log", "db", "Startup complete", count, null, null, null, "log");
  }

  /**
   * A container's log as the engine streams it: lines delivered when the clock reaches their time,
   * each to the judge as the agent's follower would hand it on.
   */
  static final class FakeLogStream {
    final ManualTime time;
    final List<Optional<TriggerJudge.Verdict>> verdicts = new ArrayList<>();

    FakeLogStream(ManualTime time) {
      this.time = time;
    }

    void emit(TriggerJudge judge, int id, Duration at, String text) {
      time.advanceTo(T0.plus(at));
      var line = new LogLine(time.now(), "stdout", text);
      verdicts.add(judge.logLine("db", id, "c" + id, line.time(), line.text()));
    }
  }

  @Test void firesAtTheLineThatMakesTheCountAtOnceAndRecordsWhatMatched() {
    var time = new ManualTime(T0);
    var judge = new TriggerJudge(log(0, 120_000, "fail", 3), T0, time);
    var stream = new FakeLogStream(time);
    assertThat(judge.tick()).isEmpty(); // earliest instant: does not hold yet
    stream.emit(judge, 0, Duration.ofSeconds(5), "INFO Startup complete");
    stream.emit(judge, 0, Duration.ofSeconds(6), "INFO Startup complete"); // the same container again: counted once
    stream.emit(judge, 1, Duration.ofSeconds(7), "INFO Node /10.0.0.3 state jump to NORMAL");
    stream.emit(judge, 1, Duration.ofSeconds(9), "INFO Startup complete");
    assertThat(stream.verdicts).allMatch(Optional::isEmpty);
    stream.emit(judge, 2, Duration.ofSeconds(31), "INFO [main] Startup complete");
    var v = stream.verdicts.get(stream.verdicts.size() - 1).orElseThrow();
    assertThat(v.kind()).isEqualTo(Kind.FIRED);
    assertThat(v.moment()).isEqualTo(2);
    assertThat(v.instant()).isEqualTo(T0.plusSeconds(31));
    assertThat(v.matches()).extracting(Match::id).containsExactly(0, 1, 2);
    assertThat(v.matches().get(2)).isEqualTo(new Match("db", 2, "c2", T0.plusSeconds(31), "INFO [main] Startup complete"));
    // decided once: later lines and ticks say nothing
    stream.emit(judge, 2, Duration.ofSeconds(32), "Startup complete");
    time.advanceTo(T0.plusSeconds(200));
    assertThat(judge.tick()).isEmpty();
    assertThat(judge.decided()).isTrue();
  }

  @Test void aConditionThatHeldBeforeTheEarliestInstantFiresAtIt() {
    var time = new ManualTime(T0);
    var judge = new TriggerJudge(log(20_000, 60_000, "fail", 1), T0, time);
    var stream = new FakeLogStream(time);
    stream.emit(judge, 0, Duration.ofSeconds(3), "Startup complete");
    assertThat(stream.verdicts.get(0)).isEmpty();
    time.advanceTo(judge.earliest());
    var v = judge.tick().orElseThrow();
    assertThat(v.kind()).isEqualTo(Kind.FIRED);
    assertThat(v.instant()).isEqualTo(T0.plusSeconds(20));
    assertThat(v.matches().get(0).time()).isEqualTo(T0.plusSeconds(3));
  }

  @Test void onTimeoutSkipSkipsTheMomentAtTheDeadline() {
    var time = new ManualTime(T0);
    var judge = new TriggerJudge(log(10_000, 30_000, "skip", 2), T0, time);
    var stream = new FakeLogStream(time);
    stream.emit(judge, 0, Duration.ofSeconds(12), "Startup complete");
    time.advanceTo(T0.plusSeconds(39));
    assertThat(judge.tick()).isEmpty();
    time.advanceTo(judge.deadline());
    var v = judge.tick().orElseThrow();
    assertThat(v.kind()).isEqualTo(Kind.SKIPPED);
    assertThat(v.instant()).isEqualTo(T0.plusSeconds(40));
    assertThat(v.matches()).isEmpty();
    stream.emit(judge, 1, Duration.ofSeconds(41), "Startup complete"); // too late
    assertThat(stream.verdicts.get(1)).isEmpty();
  }

  @Test void onTimeoutFailFailsTheRunAtTheDeadline() {
    var time = new ManualTime(T0);
    var judge = new TriggerJudge(log(0, 30_000, "fail", 1), T0, time);
    time.advanceTo(T0.plusSeconds(30));
    // a line that arrives at the deadline is too late: the deadline is exclusive
    assertThat(judge.logLine("db", 0, "c0", time.now(), "Startup complete")).isEmpty();
    assertThat(judge.tick().orElseThrow().kind()).isEqualTo(Kind.FAILED);
  }

  @Test void otherServicesLinesDoNotCount() {
    var time = new ManualTime(T0);
    var judge = new TriggerJudge(log(0, 30_000, "fail", 1), T0, time);
    assertThat(judge.logLine("web", 0, "w0", T0, "Startup complete")).isEmpty();
    assertThat(TriggerJudge.matches(judge.trigger(), "web", "Startup complete")).isFalse();
    assertThat(TriggerJudge.matches(judge.trigger(), "db", "x Startup complete y")).isTrue();
  }

  @Test void aRunningConditionHoldsWhileEnoughContainersRunAtOnce() {
    var time = new ManualTime(T0);
    var t = new PlannedTrigger(1, 0, 60_000, "fail", "running", "db", null, 2, null, null, null, "2 db containers running");
    var judge = new TriggerJudge(t, T0, time);
    time.advanceTo(T0.plusSeconds(1));
    assertThat(judge.container("db", 0, "c0", true, time.now())).isEmpty();
    assertThat(judge.container("db", 0, "c0", false, time.now())).isEmpty(); // died
    assertThat(judge.container("db", 1, "c1", true, time.now())).isEmpty();
    time.advanceTo(T0.plusSeconds(4));
    var v = judge.container("db", 2, "c2", true, time.now()).orElseThrow();
    assertThat(v.instant()).isEqualTo(T0.plusSeconds(4));
    assertThat(v.matches()).extracting(Match::container).containsExactly("c1", "c2");
  }

  @Test void aWorkloadConditionFiresAtTheFirstSampleThatCrossesFromTheEarliestInstant() {
    var time = new ManualTime(T0);
    var t = new PlannedTrigger(0, 10_000, 60_000, "skip", "workload", null, null, null, "throughput", "above", 100.0, "thr");
    var judge = new TriggerJudge(t, T0, time);
    time.advanceTo(T0.plusSeconds(11));
    assertThat(judge.workload("client", 0, T0.plusSeconds(9), 1000, 500, 0, 3.0)).isEmpty(); // before the earliest instant
    assertThat(judge.workload("client", 0, T0.plusSeconds(11), 1000, 80, 0, 3.0)).isEmpty();
    time.advanceTo(T0.plusSeconds(12));
    var v = judge.workload("client", 0, T0.plusSeconds(12), 500, 60, 0, 3.0).orElseThrow();
    assertThat(v.matches().get(0).what()).isEqualTo("throughput=120.0");
    assertThat(v.instant()).isEqualTo(T0.plusSeconds(12));
  }
}
