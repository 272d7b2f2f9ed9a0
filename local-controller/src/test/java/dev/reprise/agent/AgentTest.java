package dev.reprise.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reprise.agent.protocol.AgentMessage;
import dev.reprise.agent.protocol.MasterMessage;
import dev.reprise.agent.protocol.ProtocolCodec;
import dev.reprise.fdsl.model.CpuFault;
import dev.reprise.fdsl.model.KillFault;
import dev.reprise.fdsl.model.SignalFault;
import dev.reprise.fdsl.plan.MarkAction;
import dev.reprise.fdsl.plan.Plan;
import dev.reprise.fdsl.plan.StartAction;
import dev.reprise.fdsl.plan.StopAction;
import dev.reprise.fdsl.record.RecordJson;
import dev.reprise.fdsl.record.TimelineRecord;
import dev.reprise.agent.runtime.LogLine;
import dev.reprise.agent.runtime.StatsSample;
import dev.reprise.agent.testing.FakeContainerRuntime;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgentTest {
  static final Instant START = Instant.parse("2030-01-01T00:00:00Z");
  static final Instant T0 = START.plusSeconds(1);
  @TempDir Path dir;

  MasterMessage.Arm arm(Plan plan) {
    return ProtocolCodec.arm("run1", plan, T0, "run1", Map.of("web", "run1_web"), true, dir.toString(), null, null, 1000, 2000);
  }

  AgentHarness armed(Plan plan, int replicas) throws Exception {
    var h = new AgentHarness(START);
    h.runtime.deploy("run1_web", replicas);
    h.send(new MasterMessage.Hello(1, "run1", "master"));
    var hello = h.expect(AgentMessage.Hello.class);
    assertThat(hello.host()).isEqualTo("fakehost");
    assertThat(hello.dockerVersion()).isEqualTo("20.10.24");
    h.send(arm(plan));
    assertThat(h.expect(AgentMessage.Armed.class)).isEqualTo(new AgentMessage.Armed(0, null, Map.of("web", replicas)));
    h.awaitState(Agent.State.ARMED);
    return h;
  }

  /** Moves the manual clock to {@code target} one second at a time, heartbeating like a live master. */
  static void step(AgentHarness h, Instant target) throws Exception {
    while (h.clock.now().isBefore(target)) {
      h.send(new MasterMessage.Heartbeat(h.clock.now()));
      TimeUnit.MILLISECONDS.sleep(20);
      var next = h.clock.now().plusSeconds(1);
      h.clock.advanceTo(next.isAfter(target) ? target : next);
    }
  }

  List<TimelineRecord> timeline() throws Exception {
    return Files.readAllLines(dir.resolve("timeline.jsonl")).stream().map(l -> RecordJson.parse(l, TimelineRecord.class)).toList();
  }

  @Test
  void firesEveryActionAtItsPlannedInstantRecordsItAndEndsOk() throws Exception {
    var plan = TestPlans.plan(10_000, Map.of("web", 3),
        new MarkAction(0, 0, 1000, "begin"),
        TestPlans.fault(1, 2000, "web", new KillFault(), 0),
        TestPlans.fault(2, 3000, "web", new SignalFault("SIGUSR1", false), 1),
        new StopAction(3, 3, 4000, "web", List.of(2)),
        new StartAction(4, 4, 5000, "web", List.of(3, 4)));
    try (var h = armed(plan, 3)) {
      h.send(new MasterMessage.Heartbeat(START));
      step(h, T0.plusMillis(1000));
      var mark = h.expect(AgentMessage.Progress.class);
      assertThat(mark.action()).isEqualTo("mark");
      assertThat(mark.firingErrorMs()).isZero();
      step(h, T0.plusMillis(2000));
      var kill = h.expect(AgentMessage.Progress.class);
      assertThat(kill.seq()).isEqualTo(1);
      assertThat(kill.outcome()).isEqualTo("ok");
      assertThat(kill.alive()).isEqualTo(Map.of("web", 2));
      step(h, T0.plusMillis(3000));
      assertThat(h.expect(AgentMessage.Progress.class).seq()).isEqualTo(2);
      step(h, T0.plusMillis(4000));
      assertThat(h.expect(AgentMessage.Progress.class).seq()).isEqualTo(3);
      step(h, T0.plusMillis(5000));
      assertThat(h.expect(AgentMessage.Progress.class).alive()).isEqualTo(Map.of("web", 3));
      h.send(new MasterMessage.Heartbeat(START));
      step(h, T0.plusMillis(10_000));
      assertThat(h.expect(AgentMessage.Ended.class)).isEqualTo(new AgentMessage.Ended("ok", null, 0));
      assertThat(h.outcome.get(5, TimeUnit.SECONDS)).isEqualTo("ok");
    }
    var fake = new dev.reprise.agent.testing.FakeContainerRuntime();
    var timeline = timeline();
    assertThat(timeline).extracting(TimelineRecord::kind, TimelineRecord::seq, TimelineRecord::outcome).containsExactly(
        org.assertj.core.groups.Tuple.tuple("mark", 0, "ok"), org.assertj.core.groups.Tuple.tuple("action", 1, "ok"),
        org.assertj.core.groups.Tuple.tuple("action", 2, "ok"), org.assertj.core.groups.Tuple.tuple("action", 3, "ok"),
        org.assertj.core.groups.Tuple.tuple("action", 4, "ok"));
    assertThat(timeline.get(1)).satisfies(r -> {
      assertThat(r.fault()).isEqualTo("kill");
      assertThat(r.planned()).isEqualTo(T0.plusMillis(2000));
      assertThat(r.actual()).isEqualTo(T0.plusMillis(2000));
      assertThat(r.containers()).containsExactly(fake.cid("run1_web", 1));
      assertThat(r.host()).isEqualTo("fakehost");
    });
    assertThat(timeline.get(0).text()).isEqualTo("begin");
    assertThat(Files.readAllLines(dir.resolve("containers.jsonl"))).hasSize(5);
    assertThat(Files.readString(dir.resolve("container-events.jsonl"))).contains("\"event\":\"die\"", "\"exit_code\":137");
  }

  /**
   * What a SIGKILLed agent leaves behind: every kind of record it wrote is on disk within one flush
   * interval (500 ms) of being written, while the agent still runs — nobody calls flush or close.
   */
  @Test
  void everyKindOfRecordIsOnDiskWithinOneFlushIntervalWhileTheAgentRuns() throws Exception {
    var plan = TestPlans.plan(60_000, Map.of("web", 2), new MarkAction(0, 0, 1000, "begin"),
        TestPlans.fault(1, 2000, "web", new KillFault(), 0));
    try (var h = new AgentHarness(START)) {
      h.runtime.deploy("run1_web", 2);
      String web1 = FakeContainerRuntime.cid("run1_web", 2);
      h.runtime.setLog(web1, List.of(new LogLine(START, "stdout", "hello from web.1")));
      h.runtime.setStats(web1, List.of(new StatsSample(START, 2_000_000, 1_000_000, 20_000_000, 10_000_000, 2, 100, 200, 1, 2, 3, 4)));
      h.send(new MasterMessage.Hello(1, "run1", "master"));
      h.expect(AgentMessage.Hello.class);
      h.send(arm(plan));
      h.expect(AgentMessage.Armed.class);
      step(h, T0.plusMillis(2000));
      assertThat(h.expect(AgentMessage.Progress.class).seq()).isZero();
      assertThat(h.expect(AgentMessage.Progress.class).seq()).isEqualTo(1);
      step(h, T0.plusMillis(2500)); // one flush interval after the kill
      long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (!allKindsOnDisk() && System.nanoTime() < until) TimeUnit.MILLISECONDS.sleep(20);
      assertThat(h.agent.state()).as("the agent is still running: nothing was flushed by its end").isIn(Agent.State.ARMED, Agent.State.RUNNING);
      assertThat(Files.readAllLines(dir.resolve("timeline.jsonl"))).as("timeline").hasSize(2);
      assertThat(Files.readString(dir.resolve("container-events.jsonl"))).as("container events").contains("\"event\":\"die\"");
      assertThat(Files.readAllLines(dir.resolve("containers.jsonl"))).as("containers").hasSize(2);
      assertThat(Files.readString(dir.resolve("logs/web.1.jsonl"))).as("logs").contains("hello from web.1");
      assertThat(Files.readAllLines(dir.resolve("stats.jsonl"))).as("stats").hasSize(1);
    }
  }

  private boolean allKindsOnDisk() throws java.io.IOException {
    return Files.readAllLines(dir.resolve("timeline.jsonl")).size() == 2
        && Files.readString(dir.resolve("container-events.jsonl")).contains("\"event\":\"die\"")
        && Files.readAllLines(dir.resolve("containers.jsonl")).size() == 2
        && Files.isRegularFile(dir.resolve("logs/web.1.jsonl")) && Files.size(dir.resolve("logs/web.1.jsonl")) > 0
        && Files.readAllLines(dir.resolve("stats.jsonl")).size() == 1;
  }

  @Test
  void runtimeCallsAreRecordedInOrder() throws Exception {
    var plan = TestPlans.plan(10_000, Map.of("web", 2),
        TestPlans.fault(0, 1000, "web", new KillFault(), 0, 1),
        new StartAction(1, 1, 2000, "web", List.of(2)));
    try (var h = armed(plan, 2)) {
      step(h, T0.plusMillis(1000));
      h.expect(AgentMessage.Progress.class);
      step(h, T0.plusMillis(2000));
      h.expect(AgentMessage.Progress.class);
      // One action's targets are called concurrently (no order between them); the actions keep theirs.
      assertThat(h.runtime.calls("kill").stream().sorted().toList().toString() + h.runtime.calls("scale"))
          .isEqualTo("[kill run1_web.1 SIGKILL, kill run1_web.2 SIGKILL][scale run1_web 3]");
      assertThat(h.runtime.calls().stream().filter(c -> c.startsWith("kill") || c.startsWith("scale")).toList())
          .endsWith("scale run1_web 3");
      h.send(new MasterMessage.Abort("done"));
      h.expect(AgentMessage.Ended.class);
    }
  }

  @Test
  void targetsAreResolvedAheadSoTheInstantCostsOneEngineCallPerContainer() throws Exception {
    var plan = TestPlans.plan(10_000, Map.of("web", 3), TestPlans.fault(0, 4000, "web", new KillFault(), 0, 2));
    try (var h = armed(plan, 3)) {
      step(h, T0.plusMillis(3000)); // past the resolution, 1.5 s ahead
      for (long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30); System.nanoTime() < until && h.runtime.calls("warm-up").isEmpty(); ) TimeUnit.MILLISECONDS.sleep(10);
      int before = h.runtime.calls().size();
      step(h, T0.plusMillis(4000));
      var progress = h.expect(AgentMessage.Progress.class);
      assertThat(progress.outcome()).isEqualTo("ok");
      assertThat(h.runtime.calls().subList(before, h.runtime.calls().size()).stream().sorted().toList())
          .containsExactly("kill run1_web.1 SIGKILL", "kill run1_web.3 SIGKILL");
      h.send(new MasterMessage.Abort("done"));
      h.expect(AgentMessage.Ended.class);
    }
    assertThat(timeline()).singleElement().satisfies(r -> {
      assertThat(r.planned()).isEqualTo(T0.plusMillis(4000));
      assertThat(r.issued()).isEqualTo(T0.plusMillis(4000));
      assertThat(r.actual()).isEqualTo(r.issued());
      assertThat(r.acknowledged()).isNotNull();
      assertThat(r.containers()).containsExactly("run1_web.1", "run1_web.3");
    });
  }

  @Test
  void aFailedActionIsRecordedWithItsReasonAndTheRunGoesOn() throws Exception {
    var plan = TestPlans.plan(10_000, Map.of("web", 1),
        TestPlans.fault(0, 1000, "web", new KillFault(), 5),
        TestPlans.fault(1, 2000, "web", new SignalFault("SIGUSR1", false), 0));
    try (var h = armed(plan, 1)) {
      h.runtime.timeoutNext("kill run1_web.1 SIGUSR1");
      step(h, T0.plusMillis(1000));
      assertThat(h.expect(AgentMessage.Progress.class).outcome()).isEqualTo("failed");
      step(h, T0.plusMillis(2000));
      assertThat(h.expect(AgentMessage.Progress.class).outcome()).isEqualTo("unknown");
      h.send(new MasterMessage.Abort("done"));
      h.expect(AgentMessage.Ended.class);
    }
    var t = timeline();
    assertThat(t.get(0).error()).contains("web ID 5 (slot 6) does not exist");
    assertThat(t.get(1).error()).contains("did not answer in time");
  }

  Plan cpuPlan() {
    return TestPlans.plan(60_000, Map.of("web", 1), TestPlans.fault(0, 1000, "web", new CpuFault(30_000, 2), 0));
  }

  AgentHarness burning() throws Exception {
    var h = armed(cpuPlan(), 1);
    step(h, T0.plusMillis(1000));
    h.expect(AgentMessage.Progress.class);
    assertThat(h.host.liveBurners()).hasSize(2);
    return h;
  }

  void assertHealedAndAborted(AgentHarness h, String reason) throws Exception {
    var ended = h.expect(AgentMessage.Ended.class);
    assertThat(ended.outcome()).isEqualTo("aborted");
    assertThat(ended.reason()).contains(reason);
    assertThat(ended.healed()).isEqualTo(1);
    assertThat(h.host.liveBurners()).isEmpty();
    assertThat(timeline()).extracting(TimelineRecord::kind).containsExactly("action", "heal");
  }

  @Test
  void abortHealsActiveFaults() throws Exception {
    try (var h = burning()) {
      h.send(new MasterMessage.Abort("ctrl-c"));
      assertHealedAndAborted(h, "ctrl-c");
    }
  }

  @Test
  void eofOnInputHealsActiveFaults() throws Exception {
    try (var h = burning()) {
      h.closeInput();
      assertHealedAndAborted(h, "EOF");
    }
  }

  @Test
  void noHeartbeatForFiveSecondsHealsActiveFaults() throws Exception {
    try (var h = burning()) {
      h.clock.advance(Duration.ofSeconds(6));
      h.clock.advance(Duration.ofSeconds(1));
      assertHealedAndAborted(h, "no heartbeat");
    }
  }

  @Test
  void cpuEndsAtItsDurationAndTheNormalEndHealsNothingMore() throws Exception {
    try (var h = burning()) {
      step(h, T0.plusSeconds(31));
      for (long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30); System.nanoTime() < until && !h.host.liveBurners().isEmpty(); ) TimeUnit.MILLISECONDS.sleep(10);
      assertThat(h.host.liveBurners()).isEmpty();
      h.send(new MasterMessage.Abort("enough"));
      assertThat(h.expect(AgentMessage.Ended.class).healed()).isZero();
    }
    var heal = timeline().get(1);
    assertThat(heal.kind()).isEqualTo("heal");
    assertThat(heal.actual()).isEqualTo(T0.plusSeconds(31));
  }

  @Test
  void badMessagesGetErrorsAndDoNotEndTheConversation() throws Exception {
    try (var h = new AgentHarness(START)) {
      h.sendRaw("{\"type\":\"launch\"}");
      assertThat(h.expect(AgentMessage.Error.class).message()).contains("unknown message type launch");
      h.send(arm(cpuPlan()));
      assertThat(h.expect(AgentMessage.Error.class).message()).isEqualTo("arm before hello");
      h.send(new MasterMessage.Hello(1, "run1", "m"));
      h.expect(AgentMessage.Hello.class);
      var bad = ProtocolCodec.arm("run1", TestPlans.killAt(1000, "db", 0, 5000), T0, "run1", Map.of("web", "run1_web"), true,
          dir.toString(), null, null, 1000, 1000);
      h.send(bad);
      assertThat(h.expect(AgentMessage.Error.class).message()).isEqualTo("cannot arm: services has no swarm service for db");
      assertThat(h.agent.state()).isEqualTo(Agent.State.IDLE);
      h.closeInput();
      assertThat(h.expect(AgentMessage.Ended.class).outcome()).isEqualTo("aborted");
    }
  }

  static String trafficLine(Instant time) {
    return "{\"type\":\"traffic\",\"time\":\"" + time + "\",\"interval_ms\":1000,\"ops_ok\":480,\"ops\":{\"read\":400,\"write\":80},"
        + "\"errors\":{\"timeout\":15,\"refused\":5},\"latency_ms\":{\"p50\":1.5,\"p95\":8.0,\"p99\":12.5,\"max\":40.0},"
        + "\"in_flight\":3,\"open_connections\":8,\"ops_failed\":20,\"behind_ms\":0}";
  }

  @Test
  void aWorkloadLineARunContainerWritesReachesTheMasterAsASampleOnTheRunsClock() throws Exception {
    var plan = TestPlans.plan(10_000, Map.of("web", 1), new MarkAction(0, 0, 5000, "later"));
    try (var h = new AgentHarness(START, c -> new dev.reprise.agent.time.ClockOffset(40, 0.2, "ntp.test"), Duration.ZERO)) {
      h.runtime.deploy("run1_web", 1);
      var web0 = FakeContainerRuntime.cid("run1_web", 1);
      h.runtime.setLog(web0, List.of(new LogLine(START.minusSeconds(5), "stdout", trafficLine(START.minusSeconds(5)))));
      h.send(new MasterMessage.Hello(1, "run1", "master"));
      h.expect(AgentMessage.Hello.class);
      h.send(arm(plan));
      h.expect(AgentMessage.Armed.class);
      for (long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
          System.nanoTime() < until && !h.runtime.calls("logs ").contains("logs " + web0); ) {
        TimeUnit.MILLISECONDS.sleep(10);
      }
      assertThat(h.runtime.calls("logs ")).as("the agent follows web.0's log").contains("logs " + web0);
      h.runtime.writeLog(web0, new LogLine(START.plusSeconds(2), "stdout", "GET /health 200"));
      h.runtime.writeLog(web0, new LogLine(START.plusSeconds(2), "stdout", trafficLine(START.plusSeconds(2))));
      assertThat(h.expect(AgentMessage.WorkloadSample.class)).as("the line's time, stepped by the clock's 40 ms at arm; "
          + "the history before arm is no sample").isEqualTo(
          new AgentMessage.WorkloadSample("web", 0, START.plusSeconds(2).plusMillis(40), 1000L, 480L, 20L, 12.5));
      h.send(new MasterMessage.Abort("done"));
      h.expect(AgentMessage.Ended.class);
      h.outcome.get(5, TimeUnit.SECONDS);
      assertThat(h.received).noneMatch(m -> m instanceof AgentMessage.WorkloadSample);
    }
    assertThat(Files.readString(dir.resolve("logs/web.0.jsonl"))).contains("GET /health 200", "\"type\\\":\\\"traffic");
  }
}
