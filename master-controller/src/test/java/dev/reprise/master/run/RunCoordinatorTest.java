package dev.reprise.master.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reprise.agent.protocol.AgentMessage;
import dev.reprise.fdsl.model.KillFault;
import dev.reprise.fdsl.plan.AliveSnapshot;
import dev.reprise.fdsl.plan.FaultAction;
import dev.reprise.fdsl.plan.MarkAction;
import dev.reprise.fdsl.plan.Plan;
import dev.reprise.fdsl.record.RecordJson;
import dev.reprise.fdsl.record.RunManifest;
import dev.reprise.master.cli.ExitCodes;
import dev.reprise.master.orchestrator.Orchestrator;
import dev.reprise.master.swarm.FakeSwarmCluster;
import dev.reprise.master.swarm.IpvsProbe;
import dev.reprise.master.swarm.SwarmOrchestrator;
import dev.reprise.master.run.RunCoordinator.State;
import dev.reprise.master.run.time.ManualTicker;
import dev.reprise.time.ManualTime;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunCoordinatorTest {
  /** The compose file and plan of the coordinator tests (RunCoordinatorFleetTest uses them too). */
  static final String COMPOSE = """
      services:
        web:
          image: reprise/hello:latest
          deploy: {endpoint_mode: dnsrr}
      """;
  static final Plan PLAN = new Plan(7, 10_000, new TreeMap<>(Map.of("web", 2)),
      List.of(new MarkAction(0, 0, 2000, "warm"), new FaultAction(1, 1, 5000, "web", List.of(1), new KillFault())),
      List.of(new AliveSnapshot(-1, 0, new TreeMap<>(Map.of("web", List.of(0, 1))))));

  @TempDir Path tmp;
  private final ManualTime time = new ManualTime(Instant.parse("2026-11-23T09:00:00Z"));
  private final FakeSwarmCluster swarm = new FakeSwarmCluster();
  private final FakeAgent agent = new FakeAgent(time);
  private final AbortSignal abort = new AbortSignal();
  private final List<Path> exported = new ArrayList<>();
  private final RecordingListener recorder = new RecordingListener();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();
  private int agentsStarted;

  /** The swarm adapter over the fake engine; IP_VS is judged on the files under {@code ipvsRoot}. */
  private Orchestrator orchestrator(Path ipvsRoot) {
    return new SwarmOrchestrator(swarm, time, new IpvsProbe(ipvsRoot), Map.of());
  }

  private RunCoordinator coordinator() {
    return new RunCoordinator(orchestrator(tmp.resolve("noroot")), runId -> {
      agentsStarted++;
      return agent;
    }, exported::add, time, new ManualTicker(time), RunSettings.DEFAULTS, abort, listeners());
  }

  private RunRequest request(String compose) {
    return request(compose, PLAN);
  }

  private RunRequest request(String compose, Plan plan) {
    return new RunRequest("hello", tmp.resolve("runs"), Path.of("hello.yaml"), "environment: {}\n", Path.of("docker-compose.yml"),
        compose, 7, plan, tmp.resolve("faults"), null, 60_000, true);
  }

  private static RunManifest manifest(Path runDir) throws Exception {
    return RecordJson.mapper().readValue(Files.readString(runDir.resolve("run.json")), RunManifest.class);
  }

  /** What the CLI listens with: the terminal view on stderr, plus a recorder of the events in order. */
  private List<RunListener> listeners() {
    return List.of(new ProgressView(new PrintStream(err, true, StandardCharsets.UTF_8), false, PLAN), recorder);
  }

  private String stderr() {
    return err.toString(StandardCharsets.UTF_8);
  }

  @Test
  void okRunDeploysArmsHeartbeatsRemovesExportsAndPrintsTheFolderLast() throws Exception {
    var c = coordinator();
    var result = c.run(request(COMPOSE));

    assertThat(result.outcome().word()).isEqualTo("ok");
    assertThat(ExitCodes.of(result.outcome())).isZero();
    Path dir = result.runDir();
    assertThat(dir.getFileName().toString()).isEqualTo("hello-20261123-090000");
    assertThat(recorder.events).as("the run folder is the last thing a run tells").last().isEqualTo("ended ok " + dir);
    assertThat(c.history()).containsExactly(State.CHECKING_ENGINE, State.CREATING_FOLDER, State.CONNECTING_AGENT,
        State.PREFLIGHT, State.DEPLOYING, State.WAITING_FOR_CONTAINERS, State.ARMING, State.RUNNING, State.STOPPING_AGENT,
        State.REMOVING_STACK, State.EXPORTING, State.DONE);
    String stack = dir.getFileName().toString();
    assertThat(swarm.calls).containsSubsequence("engine", "createNetwork " + stack + "_default",
        "createService " + stack + "_web replicas=2", "removeService " + stack + "_web", "removeNetwork " + stack + "_default");
    assertThat(swarm.services).isEmpty();
    assertThat(agent.received).first().isEqualTo("hello " + stack);
    assertThat(agent.received).as("pre-flight asks for the kill fault's features: none beyond the engine")
        .contains("preflight ntp=null features=[]");
    assertThat(agent.received).filteredOn(r -> r.startsWith("arm")).singleElement().asString().startsWith("arm stack=" + stack + " services={web=" + stack + "_web} t0=2026-11-23T09:00:03");
    assertThat(agent.received).contains("heartbeat").last().isEqualTo("close");
    assertThat(exported).containsExactly(dir);

    var m = manifest(dir);
    assertThat(m.outcome()).isEqualTo("ok");
    assertThat(m.reason()).isNull();
    assertThat(m.runId()).isEqualTo(stack);
    assertThat(m.seed()).isEqualTo(7);
    assertThat(m.t0()).isEqualTo(Instant.parse("2026-11-23T09:00:03Z"));
    assertThat(m.end()).isAfterOrEqualTo(Instant.parse("2026-11-23T09:00:13Z"));
    assertThat(m.compose().content()).isEqualTo(COMPOSE);
    assertThat(m.compose().sha256()).hasSize(64);
    assertThat(m.plan().path("endMillis").asLong()).isEqualTo(10_000);
    assertThat(m.hosts()).singleElement().satisfies(h -> {
      assertThat(h.name()).isEqualTo("box");
      assertThat(h.dockerVersion()).isEqualTo("20.10.24");
      assertThat(h.clockOffsetMillis()).isEqualTo(1.5);
    });
    assertThat(stderr()).contains("[5s / 10s] next: end at 10s | alive web=2 | last: #1 fault ok (+2 ms)");
  }

  @Test
  void runJsonRecordsTheFaultScriptsImagesAndServicesAReplayNeeds() throws Exception {
    Files.createDirectories(tmp.resolve("faults"));
    Path script = Files.writeString(tmp.resolve("faults/say.sh"), "#!/bin/sh\necho hi\n");
    script.toFile().setExecutable(true);
    Files.writeString(tmp.resolve("faults/unused.sh"), "#!/bin/sh\n");
    swarm.imageIds.put("reprise/hello:latest", "sha256:abc");
    var custom = new dev.reprise.fdsl.model.CustomFault(false, "say.sh", null, List.of("x"), null, null);
    var plan = new Plan(7, 10_000, new TreeMap<>(Map.of("web", 2)),
        List.of(new FaultAction(0, 0, 2000, "web", List.of(0), custom)),
        List.of(new AliveSnapshot(-1, 0, new TreeMap<>(Map.of("web", List.of(0, 1))))));
    String compose = """
        services:
          web:
            image: reprise/hello:latest
            environment:
              MODE: fast
              DB_PASSWORD: hunter2
              API_TOKEN: t0k
            deploy:
              endpoint_mode: dnsrr
              placement: {constraints: [node.role == manager]}
              resources: {limits: {memory: 64M}}
        """;

    var result = coordinator().run(request(compose, plan).withReplayOf("hello-20261122-080000"));

    Path dir = result.runDir();
    Path copy = dir.resolve("inputs/faults/say.sh");
    assertThat(copy).hasContent("#!/bin/sh\necho hi");
    assertThat(Files.isExecutable(copy)).as("executable bits kept").isTrue();
    assertThat(dir.resolve("inputs/faults/unused.sh")).as("only the scripts the plan names").doesNotExist();
    var m = manifest(dir);
    assertThat(m.faultScripts()).containsExactly(new RunManifest.FaultScript("say.sh",
        RunCoordinator.sha256("#!/bin/sh\necho hi\n")));
    assertThat(m.images()).containsExactly(new RunManifest.ImageFact("reprise/hello:latest", "sha256:abc", null));
    assertThat(Files.readString(dir.resolve("run.json"))).as("a missing digest is written as null")
        .contains("\"repo_digest\" : null");
    assertThat(m.replayOf()).isEqualTo("hello-20261122-080000");
    assertThat(m.services()).singleElement().satisfies(s -> {
      assertThat(s.service()).isEqualTo("web");
      assertThat(s.image()).isEqualTo("reprise/hello:latest");
      assertThat(s.replicas()).isEqualTo(2);
      assertThat(s.env()).containsEntry("MODE", "fast").containsEntry("DB_PASSWORD", "<redacted>")
          .containsEntry("API_TOKEN", "<redacted>");
      assertThat(s.constraints()).containsExactly("node.role == manager");
      assertThat(s.limits().memoryBytes()).isEqualTo(64L * 1024 * 1024);
      assertThat(s.restart().condition()).isEqualTo("none");
      assertThat(s.networks()).as("by compose key, not the run-named swarm network").containsExactly("default");
    });
    assertThat(RecordJson.mapper().readTree(dir.resolve("run.json").toFile()).path("services").toString())
        .doesNotContain("hunter2").doesNotContain("t0k");
  }

  @Test
  void inactiveSwarmIsInitialisedAndSaidInOneLine() {
    swarm.swarmState = "inactive";
    coordinator().run(request(COMPOSE));
    assertThat(swarm.calls).contains("initSwarm 127.0.0.1");
    assertThat(stderr()).contains("swarm mode was inactive: initialised a single-node swarm");
  }

  @Test
  void abortMidRunSendsAbortWaitsForEndedRemovesTheStackAndWritesAborted() throws Exception {
    agent.onSend = m -> {
      if (m instanceof dev.reprise.agent.protocol.MasterMessage.Heartbeat
          && time.now().isAfter(Instant.parse("2026-11-23T09:00:07Z"))) {
        abort.abort("interrupted by a signal");
      }
    };
    var result = coordinator().run(request(COMPOSE));
    assertThat(result.outcome().word()).isEqualTo("aborted");
    assertThat(ExitCodes.of(result.outcome())).isEqualTo(1);
    assertThat(agent.received).contains("abort interrupted by a signal");
    assertThat(agent.received.indexOf("abort interrupted by a signal")).isLessThan(agent.received.indexOf("close"));
    assertThat(swarm.services).isEmpty();
    assertThat(swarm.networks).isEmpty();
    var m = manifest(result.runDir());
    assertThat(m.outcome()).isEqualTo("aborted");
    assertThat(m.reason()).isEqualTo("interrupted by a signal");
    assertThat(exported).as("no export of an aborted run").isEmpty();
    assertThat(abort.isFinished()).isTrue();
    assertThat(recorder.events).last().isEqualTo("ended aborted " + result.runDir());
  }

  @Test
  void abortWhileWaitingForContainersRemovesTheStackWithoutStartingAnAgent() throws Exception {
    abort.abort("interrupted by a signal");
    var result = coordinator().run(request(COMPOSE));
    assertThat(result.outcome().word()).isEqualTo("aborted");
    assertThat(agentsStarted).isZero();
  }

  @Test
  void hungAgentOnAbortIsGivenUpAfterTheBoundAndTheStackIsStillRemoved() throws Exception {
    agent.ignoreAbort = true;
    agent.onSend = m -> {
      if (time.now().isAfter(Instant.parse("2026-11-23T09:00:05Z"))) abort.abort("interrupted by a signal");
    };
    var result = coordinator().run(request(COMPOSE));
    assertThat(result.outcome().word()).isEqualTo("aborted");
    assertThat(result.reason()).contains("did not confirm the abort within " + RunSettings.DEFAULTS.abortWait().toSeconds() + " s");
    assertThat(swarm.services).isEmpty();
  }

  @Test
  void agentRefusingTheArmFailsTheRunAndStillCleansUp() throws Exception {
    agent.refuseArm = "cannot read the plan";
    var result = coordinator().run(request(COMPOSE));
    assertThat(result.outcome().word()).isEqualTo("failed");
    assertThat(ExitCodes.of(result.outcome())).isEqualTo(1);
    assertThat(result.reason()).isEqualTo("the agent refused the plan: cannot read the plan");
    assertThat(manifest(result.runDir()).outcome()).isEqualTo("failed");
    assertThat(swarm.services).isEmpty();
    assertThat(agent.received).last().isEqualTo("close");
    assertThat(stderr()).contains("error: the agent refused the plan: cannot read the plan");
  }

  @Test
  void deployFailureIsDiagnosedTheStackRemovedAndTheCheckedAgentClosedUnarmed() throws Exception {
    var result = coordinator().run(request(COMPOSE.replace("reprise/hello:latest", "reprise/nosuch:latest")));
    assertThat(result.outcome().word()).isEqualTo("failed");
    assertThat(ExitCodes.of(result.outcome())).isEqualTo(1);
    assertThat(stderr()).contains("image reprise/nosuch:latest is not present on node box; build it (scripts/build-images.sh)");
    assertThat(agentsStarted).isOne();
    assertThat(agent.received).noneMatch(r -> r.startsWith("arm")).last().isEqualTo("close");
    assertThat(swarm.services).isEmpty();
    assertThat(swarm.networks).isEmpty();
    var m = manifest(result.runDir());
    assertThat(m.outcome()).isEqualTo("failed");
    assertThat(m.reason()).contains("No such image: reprise/nosuch:latest");
    assertThat(exported).isEmpty();
  }

  @Test
  void invalidComposeExitsTwoWithPositionsAndTouchesNothing() {
    var result = coordinator().run(request("services:\n  web:\n    build: .\n"));
    assertThat(ExitCodes.of(result.outcome())).isEqualTo(2);
    assertThat(result.runDir()).isNull();
    assertThat(stderr()).contains("docker-compose.yml:3:5: services.web.build");
    assertThat(swarm.calls).isEmpty();
    assertThat(recorder.events).noneMatch(e -> e.startsWith("deploying")).last().isEqualTo("ended invalid null");
  }

  @Test
  void aTranslationHandedInIsNamedAndDeployedWithoutTranslatingAgain() throws Exception {
    // master run --hosts translates before the hosts are set up; the coordinator must deploy that translation
    var translation = orchestrator(tmp).translate(Path.of("docker-compose.yml"), COMPOSE, PLAN.beginning());
    var result = coordinator().run(request("services:\n  web:\n    build: .\n"), translation);
    assertThat(result.outcome()).isEqualTo(Outcome.OK);
    String stack = result.runDir().getFileName().toString();
    assertThat(swarm.calls).contains("createService " + stack + "_web replicas=2");
    assertThat(stderr()).doesNotContain("services.web.build");
  }

  @Test
  void noEngineExitsThreeWithWhatToDo() {
    swarm.unreachable = true;
    var result = coordinator().run(request(COMPOSE));
    assertThat(ExitCodes.of(result.outcome())).isEqualTo(3);
    assertThat(result.runDir()).isNull();
    assertThat(stderr()).contains("scripts/setup-docker.sh");
  }

  @Test
  void exportFailureIsAWarningNotAFailedRun() {
    var c = new RunCoordinator(orchestrator(tmp), runId -> agent, dir -> {
      throw new UnsupportedOperationException("export is being built");
    }, time, new ManualTicker(time), RunSettings.DEFAULTS, abort, listeners());
    var result = c.run(request(COMPOSE));
    assertThat(ExitCodes.of(result.outcome())).isZero();
    assertThat(stderr()).contains("warning: export failed");
  }

  @Test
  void vipServiceWithoutIpVsIsWarned() {
    coordinator().run(request(COMPOSE.replace("dnsrr", "vip")));
    assertThat(stderr()).contains("no IP_VS").contains("use endpoint_mode: dnsrr and reach services as tasks.<service>");
  }

  @Test
  void silentAgentFailsTheRun() throws Exception {
    var silent = new FakeAgent(time);
    silent.silentAfterArm = true;
    var c = new RunCoordinator(orchestrator(tmp), runId -> silent, exported::add, time, new ManualTicker(time), RunSettings.DEFAULTS, abort, listeners());
    var result = c.run(request(COMPOSE));
    assertThat(result.outcome().word()).isEqualTo("failed");
    assertThat(result.reason()).isEqualTo("the agent was silent for 10 s");
    assertThat(silent.received).anySatisfy(r -> assertThat(r).startsWith("abort the agent was silent"));
  }

  @Test
  void workloadSamplesReachTheListenersWithTheirHostInOrderAndAnUnknownTypeIsWarnedAboutOnce() {
    var t0 = Instant.parse("2026-11-23T09:00:03Z");
    agent.afterArm.add(Map.entry(3000L, new AgentMessage.WorkloadSample("web", 0, t0.plusSeconds(3), 1000L, 480L, 20L, 12.5)));
    agent.afterArm.add(Map.entry(3500L, new AgentMessage.Unknown("telemetry", "{\"type\":\"telemetry\"}")));
    agent.afterArm.add(Map.entry(4000L, new AgentMessage.WorkloadSample("web", 1, t0.plusSeconds(4), 1000L, 0L, 500L, null)));
    agent.afterArm.add(Map.entry(4500L, new AgentMessage.Unknown("telemetry", "{\"type\":\"telemetry\"}")));
    var result = coordinator().run(request(COMPOSE));
    assertThat(result.outcome()).isEqualTo(Outcome.OK);
    assertThat(recorder.events).containsSubsequence("armed [box] t0=2026-11-23T09:00:03Z", "fired box #0 mark ok",
        "workload box web.0 at 2026-11-23T09:00:06Z ok=480 failed=20 p99=12.5",
        "workload box web.1 at 2026-11-23T09:00:07Z ok=0 failed=500 p99=null", "fired box #1 fault ok");
    assertThat(recorder.events).filteredOn(e -> e.startsWith("workload")).hasSize(2);
    assertThat(stderr().split("unknown type 'telemetry'", -1)).as("warned once").hasSize(2);
  }

  @Test
  void workloadSamplesAloneKeepAnAgentFromBeingSilent() {
    var plan = new Plan(7, 30_000, PLAN.beginning(), PLAN.actions(), PLAN.alive());
    agent.heartbeats = false;
    for (long ms = 1000; ms < 30_000; ms += 1000) {
      agent.afterArm.add(Map.entry(ms, new AgentMessage.WorkloadSample("web", 0, null, 1000L, 10L, 0L, 1.0)));
    }
    var result = coordinator().run(request(COMPOSE, plan));
    assertThat(result.outcome()).as(result.reason()).isEqualTo(Outcome.OK);

    var quiet = new FakeAgent(time);
    quiet.heartbeats = false;
    var c = new RunCoordinator(orchestrator(tmp), runId -> quiet, exported::add, time, new ManualTicker(time), RunSettings.DEFAULTS,
        abort, listeners());
    assertThat(c.run(request(COMPOSE, plan)).reason()).as("the same agent without them").isEqualTo("the agent was silent for 10 s");
  }

  @Test
  void listenersHearTheRunInTheOrderItHappened() {
    var result = coordinator().run(request(COMPOSE));
    String id = result.runDir().getFileName().toString();
    assertThat(recorder.events).containsExactly("state CHECKING_ENGINE", "state CREATING_FOLDER", "state CONNECTING_AGENT",
        "state PREFLIGHT", "preflight [box] problems=0", "deploying " + id, "state DEPLOYING", "state WAITING_FOR_CONTAINERS",
        "state ARMING",
        "armed [box] t0=2026-11-23T09:00:03Z", "state RUNNING", "fired box #0 mark ok", "fired box #1 fault ok",
        "agent ended box ok healed 0", "state STOPPING_AGENT", "state REMOVING_STACK", "state EXPORTING", "state DONE",
        "ended ok " + result.runDir());
  }

  @Test
  void aListenerThatThrowsDoesNotStopTheRunNorTheOtherListeners() {
    RunListener broken = new RunListener() {
      @Override
      public void message(Level level, String text) {
        throw new IllegalStateException("a listener's bug");
      }
    };
    var c = new RunCoordinator(orchestrator(tmp), runId -> agent, exported::add, time, new ManualTicker(time),
        RunSettings.DEFAULTS, abort, List.of(broken, recorder));
    var result = c.run(request(COMPOSE));
    assertThat(result.outcome()).isEqualTo(Outcome.OK);
    assertThat(recorder.events).last().isEqualTo("ended ok " + result.runDir());
  }

  @Test
  void aMoveTheTransitionTableDoesNotListIsRefused() {
    assertThat(RunCoordinator.TRANSITIONS.get(State.NEW)).containsExactlyInAnyOrder(State.CHECKING_ENGINE, State.DONE);
    assertThat(RunCoordinator.TRANSITIONS.get(State.RUNNING)).doesNotContain(State.DEPLOYING, State.ARMING);
    assertThat(RunCoordinator.TRANSITIONS.get(State.DONE)).isEmpty();
    for (var s : State.values()) assertThat(RunCoordinator.TRANSITIONS).as("every state has its moves").containsKey(s);
  }

  @Test
  void aCpuFaultAsksForItsHostFeaturesAndAMissingOneEndsTheRunBeforeTheDeployWithExitThree() throws Exception {
    var plan = new Plan(7, 10_000, new TreeMap<>(Map.of("web", 2)),
        List.of(new FaultAction(0, 0, 5000, "web", List.of(1), new dev.reprise.fdsl.model.CpuFault(2000, 1))),
        List.of(new AliveSnapshot(-1, 0, new TreeMap<>(Map.of("web", List.of(0, 1))))));
    agent.preflightProblems = List.of("/sys/fs/cgroup/cgroup.procs is not writable (cgroup v2 at /sys/fs/cgroup)");
    var c = coordinator();
    var result = c.run(new RunRequest("hello", tmp.resolve("runs"), Path.of("hello.yaml"), "environment: {}\n",
        Path.of("docker-compose.yml"), COMPOSE, 7, plan, tmp.resolve("faults"), "127.0.0.1:1", 60_000, true));

    assertThat(agent.received).contains("preflight ntp=127.0.0.1:1 features=[cgroup_procs, shell]");
    assertThat(ExitCodes.of(result.outcome())).isEqualTo(3);
    assertThat(result.reason()).isEqualTo("pre-flight found 1 problem(s), nothing deployed: "
        + "host box: /sys/fs/cgroup/cgroup.procs is not writable (cgroup v2 at /sys/fs/cgroup)");
    assertThat(c.history()).containsExactly(State.CHECKING_ENGINE, State.CREATING_FOLDER, State.CONNECTING_AGENT, State.PREFLIGHT,
        State.STOPPING_AGENT, State.DONE);
    assertThat(swarm.calls).noneMatch(call -> call.startsWith("createService"));
    assertThat(result.runDir()).isNull();
    assertThat(tmp.resolve("runs")).isEmptyDirectory();
    assertThat(exported).isEmpty();
    assertThat(recorder.events).last().isEqualTo("ended environment null");
  }

  @Test
  void aReadyHostIsArmedByTheSameAgentAndItsFeaturesAreInRunJson() throws Exception {
    var plan = new Plan(7, 10_000, new TreeMap<>(Map.of("web", 2)),
        List.of(new FaultAction(0, 0, 5000, "web", List.of(1), new dev.reprise.fdsl.model.CpuFault(2000, 1))),
        List.of(new AliveSnapshot(-1, 0, new TreeMap<>(Map.of("web", List.of(0, 1))))));
    var result = coordinator().run(new RunRequest("hello", tmp.resolve("runs"), Path.of("hello.yaml"), "environment: {}\n",
        Path.of("docker-compose.yml"), COMPOSE, 7, plan, tmp.resolve("faults"), null, 60_000, false));
    assertThat(result.outcome()).isEqualTo(Outcome.OK);
    assertThat(agentsStarted).isOne();
    assertThat(agent.received.stream().filter(r -> !r.equals("heartbeat")).map(r -> r.split(" ")[0]).toList())
        .containsExactly("hello", "preflight", "arm", "close");
    assertThat(manifest(result.runDir()).hosts()).singleElement().satisfies(h -> {
      assertThat(h.features()).containsExactly(Map.entry("cgroup_procs", "ok"), Map.entry("shell", "ok"));
      assertThat(h.preflight()).isEqualTo(new RunManifest.Preflight("manager", null, null));
    });
  }

  @Test
  void anAbortDuringPreflightEndsTheRunAbortedWithNothingDeployedAndNoFolder() {
    agent.silentOnPreflight = true;
    agent.onSend = m -> {
      if (m instanceof dev.reprise.agent.protocol.MasterMessage.Preflight) abort.abort("interrupted by a signal");
    };
    var c = coordinator();
    var result = c.run(request(COMPOSE));
    assertThat(result.outcome()).isEqualTo(Outcome.ABORTED);
    assertThat(result.reason()).isEqualTo("interrupted by a signal");
    assertThat(result.runDir()).isNull();
    assertThat(tmp.resolve("runs")).isEmptyDirectory();
    assertThat(c.history()).containsExactly(State.CHECKING_ENGINE, State.CREATING_FOLDER, State.CONNECTING_AGENT, State.PREFLIGHT,
        State.STOPPING_AGENT, State.DONE);
    assertThat(swarm.calls).noneMatch(call -> call.startsWith("createService"));
    assertThat(agent.received).last().isEqualTo("close");
  }
}
