package dev.reprise.master.safety;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reprise.fdsl.model.AbortCondition;
import dev.reprise.fdsl.model.AbortCondition.Comparison;
import dev.reprise.fdsl.model.AbortCondition.IfUnavailable;
import dev.reprise.fdsl.model.Safety;
import dev.reprise.fdsl.source.SourcePos;
import dev.reprise.time.SystemTime;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The loop's own thread, on the system clock with a short interval. */
class SafetyLoopThreadTest {
  final Fakes.FakePrometheus prometheus = new Fakes.FakePrometheus();
  final Fakes.RecordingAborter aborter = new Fakes.RecordingAborter();
  final Fakes.Messages messages = new Fakes.Messages();

  SafetyLoop loop(double threshold) {
    var safety = new Safety(null, List.of(), List.of(new AbortCondition.PrometheusQuery("lag", null, "lag",
        Comparison.ABOVE, threshold, 0, IfUnavailable.WARN, SourcePos.NONE)), "http://127.0.0.1:9090", 20, SourcePos.NONE);
    var loop = new SafetyLoop(safety, SystemTime.INSTANCE, prometheus, new Fakes.FakeHttp(), messages);
    loop.attached(aborter);
    loop.deploying("r-1", Path.of("runs", "r-1"));
    return loop;
  }

  @Test
  void oneDaemonThreadChecksUntilTheRunEnds() throws Exception {
    var loop = loop(10);
    prometheus.answer("lag", 1);
    prometheus.called = new CountDownLatch(3);
    loop.armed(Instant.now(), Map.of());
    var thread = loop.thread();
    assertThat(thread.getName()).isEqualTo("safety-r-1");
    assertThat(thread.isDaemon()).isTrue();
    assertThat(prometheus.called.await(10, TimeUnit.SECONDS)).as("three checks").isTrue();
    loop.armed(Instant.now(), Map.of());
    assertThat(loop.thread()).as("armed twice: still one thread").isSameAs(thread);

    loop.ended(null);
    assertThat(thread.isAlive()).isFalse();
    long checks = loop.checks();
    int calls = prometheus.calls.size();
    assertThat(calls).isGreaterThanOrEqualTo(3);
    assertThat(loop.checks()).isEqualTo(checks);
    assertThat(aborter.reasons).isEmpty();
  }

  @Test
  void theThreadTripsOnceAndEnds() throws Exception {
    var loop = loop(10);
    prometheus.answer("lag", 50);
    loop.armed(Instant.now(), Map.of());
    var thread = loop.thread();
    thread.join(TimeUnit.SECONDS.toMillis(10));
    assertThat(thread.isAlive()).isFalse();
    assertThat(aborter.trips).hasSize(1);
    assertThat(aborter.trips.get(0).value()).isEqualTo(50.0);
    assertThat(prometheus.calls).hasSize(1);
    loop.ended(null);
  }

  /** With a 60 s interval, a workload line over the threshold trips within seconds: lines are judged as they arrive. */
  @Test
  void aWorkloadLineIsJudgedWhenItArrivesNotAtTheNextInterval() throws Exception {
    var safety = new Safety(null, List.of(), List.of(new AbortCondition.Workload("errors", "api",
        AbortCondition.WorkloadMetric.ERROR_RATE, Comparison.ABOVE, 0.2, 5_000, 0, 0, IfUnavailable.WARN, SourcePos.NONE)),
        null, 60_000, SourcePos.NONE);
    var loop = new SafetyLoop(safety, SystemTime.INSTANCE, prometheus, new Fakes.FakeHttp(), messages);
    loop.attached(aborter);
    loop.armed(Instant.now(), Map.of());
    var now = Instant.now();
    loop.workloadSample("h", new dev.reprise.agent.protocol.AgentMessage.WorkloadSample("api", 0, now, 1_000L, 10L, 0L, 1.0));
    loop.workloadSample("h", new dev.reprise.agent.protocol.AgentMessage.WorkloadSample("api", 0, now.plusSeconds(1), 1_000L, 0L, 10L, 1.0));
    var thread = loop.thread();
    thread.join(TimeUnit.SECONDS.toMillis(20));
    assertThat(thread.isAlive()).as("tripped and ended long before the 60 s interval").isFalse();
    assertThat(aborter.trips).hasSize(1);
    assertThat(aborter.trips.get(0).value()).isEqualTo(0.5);
    loop.ended(null);
  }

  @Test
  void noConditionsNoThread() {
    var loop = new SafetyLoop(Safety.none(), SystemTime.INSTANCE, prometheus, new Fakes.FakeHttp(), messages);
    assertThat(loop.active()).isFalse();
    loop.armed(Instant.now(), Map.of());
    assertThat(loop.thread()).isNull();
    loop.ended(null);
  }
}
