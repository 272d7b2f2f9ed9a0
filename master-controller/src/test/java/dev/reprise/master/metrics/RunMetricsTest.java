package dev.reprise.master.metrics;

import static dev.reprise.master.metrics.Exposition.series;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import dev.reprise.agent.protocol.AgentMessage;
import dev.reprise.fdsl.model.CpuFault;
import dev.reprise.fdsl.model.KillFault;
import dev.reprise.fdsl.model.PauseFault;
import dev.reprise.fdsl.plan.FaultAction;
import dev.reprise.fdsl.plan.MarkAction;
import dev.reprise.fdsl.plan.Plan;
import dev.reprise.master.run.Outcome;
import dev.reprise.master.run.RunCoordinator;
import dev.reprise.master.run.RunCoordinator.State;
import dev.reprise.time.ManualTime;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Drives RunMetrics as a fake run would and reads it back through MetricsServer, as Prometheus does. */
class RunMetricsTest {
  static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");
  static final String RUN = "demo-20261201-095955";
  /** mark at 0; cpu on cassandra 0 at 10 s for 30 s; pause on web 1 at 20 s for 5 s; kill cassandra 1 at 25 s. */
  static final Plan PLAN = new Plan(7, 60_000, new TreeMap<>(Map.of("cassandra", 2, "web", 2)), List.of(
      new MarkAction(0, 0, 0, "go"),
      new FaultAction(1, 1, 10_000, "cassandra", List.of(0), new CpuFault(30_000, 2)),
      new FaultAction(2, 2, 20_000, "web", List.of(1), new PauseFault(5_000)),
      new FaultAction(3, 3, 25_000, "cassandra", List.of(1), new KillFault())), List.of());

  final ManualTime time = new ManualTime(T0.minusSeconds(5));
  final PrometheusRegistry registry = new PrometheusRegistry();
  final RunMetrics metrics = new RunMetrics(registry, PLAN, "demo", time);
  MetricsServer server;

  @BeforeEach
  void start() throws Exception {
    server = MetricsServer.start(registry, "127.0.0.1", 0);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  Exposition scrape() throws Exception {
    return Exposition.scrape(server.url());
  }

  void moveTo(State... states) {
    State from = State.NEW;
    for (State to : states) {
      metrics.stateChanged(from, to);
      from = to;
    }
  }

  static AgentMessage.Progress progress(int seq, String action, String service, int id, String outcome, double errorMs,
      Map<String, Integer> alive) {
    return new AgentMessage.Progress(null, seq, action, service, List.of(id), outcome, errorMs, alive);
  }

  void at(long millisAfterT0) {
    time.advanceTo(T0.plusMillis(millisAfterT0));
  }

  @Test
  void serves_on_loopback_an_ephemeral_port() {
    assertThat(server.port()).isPositive();
    assertThat(server.url()).isEqualTo("http://127.0.0.1:" + server.port() + "/metrics");
  }

  @Test
  void before_the_run_has_an_id_the_state_carries_the_run_name() throws Exception {
    moveTo(State.CHECKING_ENGINE, State.CREATING_FOLDER, State.CONNECTING_AGENT, State.PREFLIGHT);
    var state = scrape().of("reprise_run_state");
    assertThat(state).hasSize(State.values().length)
        .contains(entry(series("reprise_run_state", "run", "demo", "state", "preflight"), 1.0),
            entry(series("reprise_run_state", "run", "demo", "state", "new"), 0.0));
    assertThat(state.values().stream().mapToDouble(Double::doubleValue).sum()).isEqualTo(1.0);
    // Nothing armed yet: no alive, clock or fault series; the abort counter is there at 0.
    var e = scrape();
    assertThat(e.of("reprise_alive_containers")).isEmpty();
    assertThat(e.of("reprise_faults_active")).isEmpty();
    assertThat(e.of("reprise_aborts_total")).containsExactly(entry(series("reprise_aborts_total", "run", "demo"), 0.0));
  }

  @Test
  void a_whole_aborted_run_as_prometheus_sees_it() throws Exception {
    moveTo(State.CHECKING_ENGINE, State.CREATING_FOLDER, State.CONNECTING_AGENT, State.PREFLIGHT, State.DEPLOYING);
    metrics.deploying(RUN, Path.of("runs", RUN));
    metrics.stateChanged(State.DEPLOYING, State.WAITING_FOR_CONTAINERS);
    metrics.stateChanged(State.WAITING_FOR_CONTAINERS, State.ARMING);
    metrics.armed(T0, Map.of(
        "h1", new AgentMessage.Armed(1.5, 0.25, Map.of("cassandra", 2)),
        "h2", new AgentMessage.Armed(-0.5, null, Map.of("web", 2))));
    metrics.stateChanged(State.ARMING, State.RUNNING);

    var e = scrape();
    assertThat(e.samples).containsEntry(series("reprise_run_state", "run", RUN, "state", "running"), 1.0)
        .containsEntry(series("reprise_run_state", "run", RUN, "state", "preflight"), 0.0);
    assertThat(e.of("reprise_alive_containers")).containsExactly(
        entry(series("reprise_alive_containers", "run", RUN, "service", "cassandra"), 2.0),
        entry(series("reprise_alive_containers", "run", RUN, "service", "web"), 2.0));
    assertThat(e.of("reprise_clock_offset_milliseconds")).containsExactly(
        entry(series("reprise_clock_offset_milliseconds", "host", "h1", "run", RUN), 1.5),
        entry(series("reprise_clock_offset_milliseconds", "host", "h2", "run", RUN), -0.5));
    assertThat(e.of("reprise_clock_uncertainty_milliseconds")).containsExactly(
        entry(series("reprise_clock_uncertainty_milliseconds", "host", "h1", "run", RUN), 0.25));

    at(0);
    metrics.actionFired("h1", progress(0, "mark", null, 0, "ok", 1.0, null), 0);
    at(10_050); // the report comes after the fire time; the window starts at T0 + 10 s + 3 ms
    metrics.actionFired("h1", progress(1, "fault", "cassandra", 0, "ok", 3.0, Map.of("cassandra", 2)), 10_050);
    assertThat(scrape().of("reprise_faults_active")).containsExactly(
        entry(series("reprise_faults_active", "host", "h1", "run", RUN, "service", "cassandra", "type", "cpu"), 1.0));

    at(20_100);
    metrics.actionFired("h2", progress(2, "fault", "web", 1, "ok", 2.0, Map.of("web", 2)), 20_100);
    at(25_001);
    metrics.actionFired("h1", progress(3, "fault", "cassandra", 1, "ok", 1.0, Map.of("cassandra", 1)), 25_001);
    // pause ran 20.002 .. 25.002 s: still on at 25.001, the kill has no window
    assertThat(scrape().of("reprise_faults_active")).containsExactly(
        entry(series("reprise_faults_active", "host", "h1", "run", RUN, "service", "cassandra", "type", "cpu"), 1.0),
        entry(series("reprise_faults_active", "host", "h1", "run", RUN, "service", "cassandra", "type", "kill"), 0.0),
        entry(series("reprise_faults_active", "host", "h2", "run", RUN, "service", "web", "type", "pause"), 1.0));
    at(25_002);
    assertThat(scrape().samples)
        .containsEntry(series("reprise_faults_active", "host", "h2", "run", RUN, "service", "web", "type", "pause"), 0.0)
        .containsEntry(series("reprise_faults_active", "host", "h1", "run", RUN, "service", "cassandra", "type", "cpu"), 1.0);

    metrics.workloadSample("h2", new AgentMessage.WorkloadSample("client", 0, T0.plusSeconds(25), 1000L, 480L, 20L, 12.5));
    metrics.workloadSample("h2", new AgentMessage.WorkloadSample("client", 1, T0.plusSeconds(25), 1000L, 500L, 0L, 8.0));
    metrics.workloadSample("h2", new AgentMessage.WorkloadSample("client", 1, T0.plusSeconds(26), 1000L, 0L, 300L, null));

    at(30_000); // aborted: h1 heals the cpu fault 10 s early
    metrics.agentEnded("h1", new AgentMessage.Ended("aborted", "user", 1), 30_000);
    metrics.agentEnded("h2", new AgentMessage.Ended("aborted", "user", 0), 30_000);
    metrics.stateChanged(State.RUNNING, State.STOPPING_AGENT);
    metrics.stateChanged(State.STOPPING_AGENT, State.REMOVING_STACK);
    metrics.stateChanged(State.REMOVING_STACK, State.EXPORTING);
    metrics.stateChanged(State.EXPORTING, State.DONE);
    metrics.ended(new RunCoordinator.Result(Outcome.ABORTED, "user", Path.of("runs", RUN)));

    at(35_000);
    e = scrape();
    assertThat(e.of("reprise_faults_active")).containsExactly(
        entry(series("reprise_faults_active", "host", "h1", "run", RUN, "service", "cassandra", "type", "cpu"), 0.0),
        entry(series("reprise_faults_active", "host", "h1", "run", RUN, "service", "cassandra", "type", "kill"), 0.0),
        entry(series("reprise_faults_active", "host", "h2", "run", RUN, "service", "web", "type", "pause"), 0.0));
    assertThat(e.samples).containsEntry(series("reprise_run_state", "run", RUN, "state", "done"), 1.0)
        .containsEntry(series("reprise_run_state", "run", RUN, "state", "running"), 0.0);
    assertThat(e.of("reprise_actions_fired_total")).containsExactly(
        entry(series("reprise_actions_fired_total", "action", "fault", "outcome", "ok", "run", RUN), 3.0),
        entry(series("reprise_actions_fired_total", "action", "mark", "outcome", "ok", "run", RUN), 1.0));
    assertThat(e.of("reprise_heals_total")).containsExactly(
        entry(series("reprise_heals_total", "host", "h1", "run", RUN), 1.0),
        entry(series("reprise_heals_total", "host", "h2", "run", RUN), 0.0));
    assertThat(e.of("reprise_aborts_total")).containsExactly(entry(series("reprise_aborts_total", "run", RUN), 1.0));
    assertThat(e.of("reprise_alive_containers")).containsExactly(
        entry(series("reprise_alive_containers", "run", RUN, "service", "cassandra"), 1.0),
        entry(series("reprise_alive_containers", "run", RUN, "service", "web"), 2.0));
    assertThat(e.of("reprise_workload_ops_total")).containsExactly(
        entry(series("reprise_workload_ops_total", "outcome", "failed", "run", RUN, "service", "client"), 320.0),
        entry(series("reprise_workload_ops_total", "outcome", "ok", "run", RUN, "service", "client"), 980.0));
    // container 1's latest line had no success: only container 0's p99 counts
    assertThat(e.of("reprise_workload_p99_milliseconds")).containsExactly(
        entry(series("reprise_workload_p99_milliseconds", "run", RUN, "service", "client"), 12.5));
    assertThat(e.of("reprise_firing_error_milliseconds_count"))
        .containsExactly(entry(series("reprise_firing_error_milliseconds_count", "run", RUN), 4.0));
    assertThat(e.of("reprise_firing_error_milliseconds_sum"))
        .containsExactly(entry(series("reprise_firing_error_milliseconds_sum", "run", RUN), 7.0));
    assertThat(e.samples)
        .containsEntry(series("reprise_firing_error_milliseconds_bucket", "le", "1.0", "run", RUN), 2.0)
        .containsEntry(series("reprise_firing_error_milliseconds_bucket", "le", "2.0", "run", RUN), 3.0)
        .containsEntry(series("reprise_firing_error_milliseconds_bucket", "le", "5.0", "run", RUN), 4.0)
        .containsEntry(series("reprise_firing_error_milliseconds_bucket", "le", "+Inf", "run", RUN), 4.0);
  }

  @Test
  void a_fault_is_active_from_its_fire_time_until_its_duration_ends_and_a_failed_one_never() throws Exception {
    metrics.deploying(RUN, Path.of(RUN));
    metrics.armed(T0, Map.of("h1", new AgentMessage.Armed(0, null, Map.of("cassandra", 2))));
    at(10_000);
    metrics.actionFired("h1", progress(1, "fault", "cassandra", 0, "ok", 0.0, null), 10_000);
    metrics.actionFired("h2", progress(1, "fault", "cassandra", 1, "failed", 0.0, null), 10_000);
    String h1 = series("reprise_faults_active", "host", "h1", "run", RUN, "service", "cassandra", "type", "cpu");
    String h2 = series("reprise_faults_active", "host", "h2", "run", RUN, "service", "cassandra", "type", "cpu");
    assertThat(scrape().of("reprise_faults_active")).containsExactly(entry(h1, 1.0), entry(h2, 0.0));
    time.advance(Duration.ofMillis(29_999));
    assertThat(scrape().samples).containsEntry(h1, 1.0);
    time.advance(Duration.ofMillis(1));
    assertThat(scrape().samples).containsEntry(h1, 0.0);
    assertThat(scrape().samples).containsEntry(
        series("reprise_actions_fired_total", "action", "fault", "outcome", "failed", "run", RUN), 1.0);
  }

  @Test
  void an_agent_ending_ends_only_its_own_hosts_faults() throws Exception {
    metrics.deploying(RUN, Path.of(RUN));
    metrics.armed(T0, Map.of());
    at(10_000);
    metrics.actionFired("h1", progress(1, "fault", "cassandra", 0, "ok", 0.0, null), 10_000);
    metrics.actionFired("h2", progress(1, "fault", "cassandra", 1, "unknown", 0.0, null), 10_000);
    at(12_000);
    metrics.agentEnded("h1", new AgentMessage.Ended("failed", "lost the engine", 1), 12_000);
    var active = scrape().of("reprise_faults_active");
    assertThat(active).containsExactly(
        entry(series("reprise_faults_active", "host", "h1", "run", RUN, "service", "cassandra", "type", "cpu"), 0.0),
        entry(series("reprise_faults_active", "host", "h2", "run", RUN, "service", "cassandra", "type", "cpu"), 1.0));
  }
}
