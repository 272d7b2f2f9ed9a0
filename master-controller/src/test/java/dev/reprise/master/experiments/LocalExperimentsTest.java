package dev.reprise.master.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.reprise.agent.protocol.AgentMessage;
import dev.reprise.fdsl.ScenarioLoader;
import dev.reprise.master.run.Outcome;
import dev.reprise.master.run.RunCoordinator;
import dev.reprise.master.run.RunListener;
import dev.reprise.time.ManualTime;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalExperimentsTest {
  @TempDir Path dir;
  final ManualTime time = new ManualTime(Instant.parse("2026-12-03T12:00:00Z"));

  static LiveStacks.LiveService svc(String name, int n) {
    var tasks = new ArrayList<LiveStacks.LiveTask>();
    for (int i = 1; i <= n; i++) tasks.add(new LiveStacks.LiveTask("t" + name + i, i, "c-" + name + "-" + i, "node1"));
    return new LiveStacks.LiveService("shop_" + name, "shop", "reprise/hello:latest", false, tasks);
  }

  final List<LiveStacks.LiveService> live = List.of(svc("db", 2), svc("web", 4));

  /** Records each launch and keeps its listener, so a test plays the run's events. */
  static final class FakeRunner implements ExperimentRunner {
    final List<Launch> launches = new ArrayList<>();
    final Map<String, RunListener> listeners = new HashMap<>();
    final List<String> calls = new ArrayList<>();

    @Override
    public Started start(Launch launch, RunListener listener) {
      launches.add(launch);
      listeners.put(launch.name(), listener);
      calls.add("start " + launch.name());
      return reason -> calls.add("abort " + launch.name() + ": " + reason);
    }
  }

  final FakeRunner runner = new FakeRunner();

  LocalExperiments experiments(String cap) {
    return new LocalExperiments(() -> live, runner, time, dir, BlastCap.parse(cap), Duration.ofHours(1), 1, s -> {});
  }

  static ExperimentRequest req(String id, ChaosAction a, Map<String, Object> params, long d) {
    return new ExperimentRequest(id, "shop/web", a, params, d, SafetyThreshold.none());
  }

  static List<String> fields(ExperimentException.Invalid e) {
    return e.errors().stream().map(FieldError::field).toList();
  }

  Set<String> invalid(ExperimentRequest r) {
    var e = assertThrows(ExperimentException.Invalid.class, () -> experiments(null).inject(r));
    return Set.copyOf(fields(e));
  }

  // ------------------------------------------------------------------ one test per rule

  @Test void idMustMatchPattern() {
    assertEquals(Set.of("experimentId"), invalid(req("bad id!", ChaosAction.KILL, Map.of(), 10)));
  }

  @Test void idIsRequired() {
    assertEquals(Set.of("experimentId"), invalid(req("", ChaosAction.KILL, Map.of(), 10)));
  }

  @Test void durationWithinBounds() {
    assertEquals(Set.of("durationSeconds"), invalid(req("a", ChaosAction.KILL, Map.of(), 0)));
    assertEquals(Set.of("durationSeconds"), invalid(req("a", ChaosAction.KILL, Map.of(), 3601)));
  }

  @Test void actionIsRequired() {
    assertEquals(Set.of("action"), invalid(req("a", null, Map.of(), 10)));
  }

  @Test void unknownParameterForAction() {
    assertEquals(Set.of("parameters.latencyMs"), invalid(req("a", ChaosAction.KILL, Map.of("latencyMs", 5), 10)));
  }

  @Test void targetCountAndPercentNotBoth() {
    assertEquals(Set.of("parameters.targetPercent"), invalid(req("a", ChaosAction.KILL, Map.of("targetCount", 1, "targetPercent", 50), 10)));
  }

  @Test void targetCountAtMostRunning() {
    assertEquals(Set.of("parameters.targetCount"), invalid(req("a", ChaosAction.KILL, Map.of("targetCount", 5), 10)));
  }

  @Test void latencyRequiredAndPositive() {
    assertEquals(Set.of("parameters.latencyMs"), invalid(req("a", ChaosAction.NETWORK_DELAY, Map.of(), 10)));
    assertEquals(Set.of("parameters.latencyMs"), invalid(req("a", ChaosAction.NETWORK_DELAY, Map.of("latencyMs", -1), 10)));
  }

  @Test void lossPercentInRange() {
    assertEquals(Set.of("parameters.packetLossPct"), invalid(req("a", ChaosAction.PACKET_LOSS, Map.of("packetLossPct", 150), 10)));
  }

  @Test void coresWholeNumber() {
    assertEquals(Set.of("parameters.cores"), invalid(req("a", ChaosAction.CPU_SPIKE, Map.of("cores", 1.5), 10)));
  }

  @Test void diskFullNeedsExactlyOneAmount() {
    assertEquals(Set.of("parameters.sizeMb"), invalid(req("a", ChaosAction.DISK_FULL, Map.of(), 10)));
  }

  @Test void pathMustBeAbsolute() {
    assertEquals(Set.of("parameters.path"), invalid(req("a", ChaosAction.IO_STRESS, Map.of("path", "data"), 10)));
  }

  @Test void unknownPeerService() {
    assertEquals(Set.of("parameters.targetPartitionGroupB"),
        invalid(req("a", ChaosAction.NETWORK_PARTITION, Map.of("targetPartitionGroupB", List.of("cache")), 10)));
  }

  @Test void safetyThresholdRanges() {
    var r = new ExperimentRequest("a", "shop/web", ChaosAction.KILL, Map.of(), 10, new SafetyThreshold(0.0, -5.0, 0));
    assertEquals(Set.of("safetyThreshold.maxErrorRatePct", "safetyThreshold.maxP99LatencyMs", "safetyThreshold.windowSeconds"),
        invalid(r));
  }

  @Test void everyBadFieldAtOnce() {
    var r = new ExperimentRequest("bad id!", "shop/web", ChaosAction.NETWORK_DELAY, Map.of("nope", 1), 0, SafetyThreshold.none());
    assertEquals(Set.of("experimentId", "durationSeconds", "parameters.nope", "parameters.latencyMs"), invalid(r));
  }

  @Test void fdslProblemsComeBackAsFieldErrors() {
    var e = assertThrows(ExperimentException.Invalid.class,
        () -> experiments(null).inject(req("a", ChaosAction.SIGNAL, Map.of("signal", "SIGBOGUS"), 10)));
    assertEquals(List.of("parameters.signal"), fields(e));
  }

  @Test void unknownServiceListsRunningOnes() {
    var e = assertThrows(ExperimentException.UnknownService.class, () -> experiments(null).inject(
        new ExperimentRequest("a", "shop_cache", ChaosAction.KILL, Map.of(), 10, SafetyThreshold.none())));
    assertTrue(e.getMessage().contains("shop_db, shop_web"), e.getMessage());
  }

  @Test void duplicateId() throws Exception {
    var x = experiments(null);
    x.inject(req("a", ChaosAction.KILL, Map.of(), 10));
    assertThrows(ExperimentException.DuplicateId.class, () -> x.inject(req("a", ChaosAction.KILL, Map.of(), 10)));
  }

  // ------------------------------------------------------------------ synthesis

  @Test void everyActionSynthesizesAScenarioThatPlans() throws Exception {
    var cases = new java.util.LinkedHashMap<ChaosAction, Map<String, Object>>();
    cases.put(ChaosAction.KILL, Map.of());
    cases.put(ChaosAction.SIGNAL, Map.of("signal", "SIGHUP"));
    cases.put(ChaosAction.RESTART, Map.of("downSeconds", 2));
    cases.put(ChaosAction.CPU_SPIKE, Map.of("cores", 2));
    cases.put(ChaosAction.MEMORY_PRESSURE, Map.of("sizeMb", 64, "rateMbPerSecond", 16));
    cases.put(ChaosAction.DISK_FULL, Map.of("path", "/tmp", "sizeMb", 10));
    cases.put(ChaosAction.IO_STRESS, Map.of("path", "/tmp", "mode", "write", "workers", 2, "sizeMb", 8));
    cases.put(ChaosAction.PAUSE, Map.of());
    cases.put(ChaosAction.NETWORK_PARTITION, Map.of("targetPartitionGroupB", List.of("db"), "direction", "both"));
    cases.put(ChaosAction.NETWORK_DELAY, Map.of("latencyMs", 50, "jitterMs", 5, "toService", "shop/db", "ports", List.of(9042)));
    cases.put(ChaosAction.PACKET_LOSS, Map.of("packetLossPct", 10));
    cases.put(ChaosAction.BANDWIDTH_LIMIT, Map.of("rateKbit", 512));
    var x = experiments(null);
    int i = 0;
    for (var c : cases.entrySet()) {
      x.inject(req("e" + i++, c.getKey(), c.getValue(), 30));
      var launch = runner.launches.get(runner.launches.size() - 1);
      var faults = launch.plan().actions().stream().filter(a -> a instanceof dev.reprise.fdsl.plan.FaultAction).toList();
      assertEquals(1, faults.size(), c.getKey() + ":\n" + launch.loaded().scenarioText());
      var f = (dev.reprise.fdsl.plan.FaultAction) faults.get(0);
      assertEquals(c.getKey().faultType(), f.fault().type(), c.getKey().toString());
      assertEquals("web", f.service());
      assertEquals(32_000, launch.plan().endMillis(), c.getKey().toString());
    }
    // the far side of a partition comes through as its peers
    var partition = runner.launches.get(8).loaded().scenarioText();
    assertTrue(partition.contains("peers: {\"db\": all}"), partition);
    assertTrue(partition.contains("max_fault_duration: 30s"), partition);
  }

  @Test void safetyThresholdBecomesAbortWhen() throws Exception {
    var x = experiments(null);
    x.inject(new ExperimentRequest("s", "shop_web", ChaosAction.CPU_SPIKE, Map.of(), 20, new SafetyThreshold(5.0, 500.0, 3)));
    var loaded = runner.launches.get(0).loaded();
    assertEquals(2, loaded.scenario().environment().safety().abortWhen().size());
  }

  // ------------------------------------------------------------------ targets and blast radius

  @Test void targetsPreferContainersNoOtherExperimentHolds() {
    var t = LocalExperiments.chooseTargets(svc("web", 4), 2, Set.of("c-web-1"));
    assertEquals(List.of(1, 2), t.stream().map(x -> x.id).toList());
    assertEquals("shop_web.2.tweb2", t.get(0).podName);
  }

  @Test void targetPercentRoundsDownAtLeastOne() throws Exception {
    var x = experiments(null);
    assertEquals(1, x.inject(req("p", ChaosAction.KILL, Map.of("targetPercent", 10), 10)).impactedNodes().size());
    assertEquals(2, x.inject(req("q", ChaosAction.KILL, Map.of("targetPercent", 50), 10)).impactedNodes().size());
  }

  @Test void blastRadiusCountsOtherRunningExperiments() throws Exception {
    var x = experiments("shop_web=2");
    x.inject(req("a", ChaosAction.CPU_SPIKE, Map.of(), 10));
    x.inject(req("b", ChaosAction.CPU_SPIKE, Map.of(), 10));
    var e = assertThrows(ExperimentException.OverBlastRadius.class, () -> x.inject(req("c", ChaosAction.CPU_SPIKE, Map.of(), 10)));
    assertEquals("2", e.cap());
    assertEquals(3, e.wouldBe());
    // once one ended, there is room again
    end("exp-a", Outcome.OK, "a");
    x.inject(req("c", ChaosAction.CPU_SPIKE, Map.of(), 10));
  }

  @Test void blastRadiusPercentOfStack() {
    var x = experiments("25%"); // 6 containers: 1 allowed
    var e = assertThrows(ExperimentException.OverBlastRadius.class,
        () -> x.inject(req("a", ChaosAction.KILL, Map.of("targetCount", 2), 10)));
    assertEquals("all", e.scope());
    assertEquals(1, e.allowed());
  }

  // ------------------------------------------------------------------ states

  void end(String run, Outcome o, String reason) {
    runner.listeners.get(run).ended(new RunCoordinator.Result(o, o == Outcome.OK ? null : reason, dir.resolve(run + "-1")));
  }

  @Test void injectedRunningRolledBackAtTtl() throws Exception {
    var x = experiments(null);
    var s = x.inject(req("a", ChaosAction.CPU_SPIKE, Map.of(), 60));
    assertEquals(ExperimentState.INJECTED, s.status());
    assertEquals(s.injectedAt().plusSeconds(60), s.rollbackScheduledAt());
    var l = runner.listeners.get("exp-a");
    l.deploying("exp-a-20261203-120000", dir.resolve("exp-a-20261203-120000"));
    Instant t0 = time.now().plusSeconds(3);
    l.armed(t0, Map.of());
    time.advance(Duration.ofSeconds(3));
    l.actionFired("h", new AgentMessage.Progress(time.now(), 1, "fault", "web", List.of(0), "ok", 0.1, Map.of()), 0);
    s = x.status("a").orElseThrow();
    assertEquals(ExperimentState.RUNNING, s.status());
    assertEquals("APPLIED", s.impactedNodes().get(0).faultState());
    assertEquals(t0.plusSeconds(60), s.rollbackScheduledAt());
    assertEquals("exp-a-20261203-120000", s.runId());
    time.advance(Duration.ofSeconds(20));
    assertEquals(23, x.status("a").orElseThrow().elapsedSeconds());
    assertEquals(40, x.status("a").orElseThrow().remainingSeconds());
    time.advance(Duration.ofSeconds(42));
    end("exp-a", Outcome.OK, null);
    s = x.status("a").orElseThrow();
    assertEquals(ExperimentState.ROLLED_BACK, s.status());
    assertEquals("HEALED", s.impactedNodes().get(0).faultState());
    assertEquals(0, s.remainingSeconds());
  }

  @Test void rollbackAbortsTheRunAndEndsRolledBack() throws Exception {
    var x = experiments(null);
    x.inject(req("a", ChaosAction.CPU_SPIKE, Map.of(), 60));
    var l = runner.listeners.get("exp-a");
    l.actionFired("h", new AgentMessage.Progress(time.now(), 1, "fault", "web", List.of(0), "ok", 0.1, Map.of()), 0);
    new Thread(() -> {
      // the run ends once the abort went out (the agents healed)
      while (!runner.calls.contains("abort exp-a: rolled back on request")) Thread.onSpinWait();
      end("exp-a", Outcome.ABORTED, "rolled back on request");
    }).start();
    var s = x.rollback("a");
    assertEquals(ExperimentState.ROLLED_BACK, s.status());
    assertEquals("HEALED", s.impactedNodes().get(0).faultState());
  }

  @Test void safetyAbortEndsAborted() throws Exception {
    var x = experiments(null);
    x.inject(req("a", ChaosAction.CPU_SPIKE, Map.of(), 60));
    end("exp-a", Outcome.ABORTED, "safety: error rate");
    var s = x.status("a").orElseThrow();
    assertEquals(ExperimentState.ABORTED, s.status());
    assertEquals("safety: error rate", s.message());
  }

  @Test void faultThatCannotApplyFails() throws Exception {
    var x = experiments(null);
    x.inject(req("a", ChaosAction.CPU_SPIKE, Map.of(), 60));
    runner.listeners.get("exp-a").actionFired("h",
        new AgentMessage.Progress(time.now(), 1, "fault", "web", List.of(0), "failed", 0.1, Map.of()), 0);
    assertTrue(runner.calls.stream().anyMatch(c -> c.startsWith("abort exp-a")), runner.calls.toString());
    end("exp-a", Outcome.ABORTED, "x");
    assertEquals(ExperimentState.FAILED, x.status("a").orElseThrow().status());
  }

  @Test void workloadSamplesGiveSafetyMetrics() throws Exception {
    var x = experiments(null);
    x.inject(new ExperimentRequest("a", "shop_web", ChaosAction.CPU_SPIKE, Map.of(), 60, new SafetyThreshold(50.0, null, 5)));
    var l = runner.listeners.get("exp-a");
    assertEquals("NO_DATA", x.status("a").orElseThrow().safetyMetrics().safetyChecksStatus());
    l.workloadSample("h", new AgentMessage.WorkloadSample("web", 0, time.now(), 1000L, 90L, 10L, 12.0));
    var m = x.status("a").orElseThrow().safetyMetrics();
    assertEquals(10.0, m.currentErrorRatePct());
    assertEquals(12.0, m.currentP99LatencyMs());
    assertEquals("PASSING", m.safetyChecksStatus());
  }

  @Test void restartedServiceListsEndedAndMarksOrphansAborted() throws Exception {
    var x = experiments(null);
    x.inject(req("a", ChaosAction.CPU_SPIKE, Map.of(), 60));
    x.inject(req("b", ChaosAction.KILL, Map.of(), 60));
    runner.listeners.get("exp-b").actionFired("h",
        new AgentMessage.Progress(time.now(), 1, "fault", "web", List.of(1), "ok", 0.1, Map.of()), 0);
    end("exp-b", Outcome.OK, null);
    // the state file now says pid 1 owns a RUNNING-ish "a"; a new process (another pid, 1 being "gone" to it) lists both
    var store = new ExperimentStore(dir, 10);
    store.update(m -> {
      m.replaceAll((id, e) -> new ExperimentStore.Entry(e.status(), Long.MAX_VALUE - 1, e.runDir()));
      return m;
    });
    var again = new LocalExperiments(() -> live, runner, time, dir, BlastCap.NONE, Duration.ofHours(1), 2, s -> {});
    var a = again.status("a").orElseThrow();
    assertEquals(ExperimentState.ABORTED, a.status());
    assertEquals(LocalExperiments.STOPPED_MESSAGE, a.message());
    var b = again.status("b").orElseThrow();
    assertEquals(ExperimentState.ROLLED_BACK, b.status());
    assertEquals("APPLIED", b.impactedNodes().get(0).faultState()); // a kill stays applied
    assertEquals(2, again.list().size());
    assertTrue(Files.exists(store.file()));
  }

  @Test void blastCapParses() {
    assertEquals("3", BlastCap.parse("{all: 3, shop/web: 30%}").capOf("all", null));
    assertEquals("30%", BlastCap.parse("all=3,shop_web=30%").capOf("shop_web", "web"));
    assertThrows(IllegalArgumentException.class, () -> BlastCap.parse("0"));
    assertThrows(IllegalArgumentException.class, () -> BlastCap.parse("web=lots"));
    assertEquals(ScenarioLoader.class, ScenarioLoader.class);
  }
}
