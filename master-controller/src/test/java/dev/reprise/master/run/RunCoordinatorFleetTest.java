package dev.reprise.master.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reprise.agent.protocol.MasterMessage;
import dev.reprise.fdsl.plan.Plan;
import dev.reprise.fdsl.record.RecordJson;
import dev.reprise.fdsl.record.RunManifest;
import dev.reprise.master.agentlink.AgentConnection;
import dev.reprise.master.cli.ExitCodes;
import dev.reprise.master.swarm.FakeSwarmCluster;
import dev.reprise.master.swarm.IpvsProbe;
import dev.reprise.master.swarm.SwarmOrchestrator;
import dev.reprise.master.orchestrator.Orchestrator;
import dev.reprise.master.run.RunCoordinator.State;
import dev.reprise.master.run.time.ManualTicker;
import dev.reprise.time.ManualTime;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The coordinator with a fleet of three fake agents (the multi-host path): ok, a host lost mid-run, an arm refused. */
class RunCoordinatorFleetTest {
  private static final String COMPOSE = RunCoordinatorTest.COMPOSE;
  private static final Plan PLAN = RunCoordinatorTest.PLAN;

  @TempDir Path tmp;
  private final ManualTime time = new ManualTime(Instant.parse("2026-11-23T09:00:00Z"));
  private final FakeSwarmCluster swarm = new FakeSwarmCluster();
  private final Map<String, FakeAgent> fakes = new LinkedHashMap<>();
  private final Map<String, AgentConnection> connections = new LinkedHashMap<>();
  private final List<String> fleetCalls = new ArrayList<>();
  private final List<String> armsSent = new ArrayList<>();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();
  private final RecordingListener recorder = new RecordingListener();

  RunCoordinatorFleetTest() {
    for (String h : List.of("h1", "h2", "h3")) {
      var f = new FakeAgent(time);
      f.onSend = m -> {
        if (m instanceof MasterMessage.Arm a) armsSent.add(h + " manager=" + a.manager() + " records=" + a.recordsDir() + " resync=" + a.ntpResyncMs());
      };
      fakes.put(h, f);
      connections.put(h, f);
    }
  }

  /** Records what the coordinator asked of "the agents of this run" as strings. */
  private final class FakeFleet implements RunAgents {
    @Override
    public Map<String, AgentConnection> start(String runId, Orchestrator.Cluster manager) {
      fleetCalls.add("start " + runId);
      return connections;
    }

    @Override
    public String recordsDir(String host, String runId, Path runDir) {
      return "/work/" + host + "/runs/" + runId;
    }

    @Override
    public String faultsDir(String host, Path localFaults) {
      return null;
    }

    @Override
    public boolean remote() {
      return true;
    }

    @Override
    public List<String> collect(Path runDir, String runId) {
      fleetCalls.add("collect " + runDir.getFileName());
      return List.of();
    }
  }

  private RunCoordinator.Result run() {
    return run("10.0.0.1");
  }

  private RunCoordinator.Result run(String ntpServer) {
    var c = new RunCoordinator(new SwarmOrchestrator(swarm, time, new IpvsProbe(tmp.resolve("noroot")), Map.of()),
        new FakeFleet(), dir -> fleetCalls.add("export"), time, new ManualTicker(time), RunSettings.DEFAULTS, new AbortSignal(),
        List.of(new ProgressView(new PrintStream(err, true, StandardCharsets.UTF_8), false, PLAN), recorder));
    var result = c.run(new RunRequest("hello", tmp.resolve("runs"), Path.of("hello.yaml"), "environment: {}\n",
        Path.of("docker-compose.yml"), COMPOSE, 7, PLAN, tmp.resolve("faults"), ntpServer, 15_000, true));
    history = c.history();
    return result;
  }

  private List<State> history;

  private static RunManifest manifest(Path runDir) throws Exception {
    return RecordJson.mapper().readValue(Files.readString(runDir.resolve("run.json")), RunManifest.class);
  }

  @Test
  void everyHostIsArmedWithOneT0TheFirstIsTheManagerAndTheRecordsAreCollected() throws Exception {
    var result = run();
    assertThat(result.outcome().word()).as(err.toString(StandardCharsets.UTF_8)).isEqualTo("ok");
    String id = result.runDir().getFileName().toString();
    assertThat(history).containsExactly(State.CHECKING_ENGINE, State.CREATING_FOLDER, State.CONNECTING_AGENT,
        State.PREFLIGHT, State.DEPLOYING, State.WAITING_FOR_CONTAINERS, State.ARMING, State.RUNNING, State.STOPPING_AGENT,
        State.COLLECTING_RECORDS, State.REMOVING_STACK, State.EXPORTING, State.DONE);
    assertThat(armsSent).containsExactly("h1 manager=true records=/work/h1/runs/" + id + " resync=15000",
        "h2 manager=false records=/work/h2/runs/" + id + " resync=15000", "h3 manager=false records=/work/h3/runs/" + id + " resync=15000");
    var t0s = fakes.values().stream().map(f -> f.received.stream().filter(r -> r.startsWith("arm")).findFirst().orElseThrow()
        .replaceAll(".* t0=", "")).distinct().toList();
    assertThat(t0s).as("one T0 for every host").hasSize(1);
    assertThat(fakes.values()).allSatisfy(f -> assertThat(f.received).contains("heartbeat").last().isEqualTo("close"));
    assertThat(fleetCalls).containsExactly("start " + id, "collect " + id, "export");
    var m = manifest(result.runDir());
    assertThat(m.outcome()).isEqualTo("ok");
    assertThat(m.hosts()).extracting(RunManifest.HostInfo::name).containsExactly("h1", "h2", "h3");
    assertThat(m.hosts()).allSatisfy(h -> {
      assertThat(h.dockerVersion()).isEqualTo("20.10.24");
      assertThat(h.ntpServer()).isEqualTo("10.0.0.1");
      assertThat(h.clockOffsetMillis()).isEqualTo(1.5);
    });
    assertThat(swarm.services).isEmpty();
  }

  /** Host {@code host}'s agent connection breaks at {@code dies} (its stream closes, sends fail). */
  private void loseAt(String host, Instant dies) {
    var agent = fakes.get(host);
    connections.put(host, new AgentConnection() {
      @Override
      public void send(MasterMessage message) throws IOException {
        if (!time.now().isBefore(dies)) throw new IOException("Broken pipe");
        agent.send(message);
      }

      @Override
      public Incoming poll(Duration timeout) {
        if (!time.now().isBefore(dies)) return new Incoming.Closed("connection reset");
        return agent.poll(timeout);
      }

      @Override
      public void close() {
        agent.close();
      }
    });
  }

  @Test
  void aHostLostMidRunFailsTheRunNamesTheHostAndTheOthersGoOnToTheEnd() throws Exception {
    loseAt("h2", Instant.parse("2026-11-23T09:00:06Z"));
    var result = run();
    assertThat(result.outcome().word()).isEqualTo("failed");
    assertThat(ExitCodes.of(result.outcome())).isEqualTo(1);
    assertThat(result.reason()).startsWith("lost host h2: the agent's stream closed before it ended the run");
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("error: lost host h2 at").contains("the other hosts go on")
        .contains("the agent on h1 ended the run (ok)").contains("the agent on h3 ended the run (ok)");
    assertThat(fakes.get("h1").received).noneMatch(r -> r.startsWith("abort"));
    var m = manifest(result.runDir());
    assertThat(m.outcome()).isEqualTo("failed");
    assertThat(m.reason()).contains("lost host h2");
    assertThat(m.hosts()).hasSize(3);
    assertThat(fleetCalls).as("the records of the others (and what h2 kept) are still collected").anyMatch(c -> c.startsWith("collect"));
    assertThat(swarm.services).isEmpty();
  }

  @Test
  void whatTheOrchestratorHoldsOfALostHostsContainersIsRecoveredIntoItsFolderBeforeTheStackIsRemoved() throws Exception {
    fakes.get("h2").nodeId = "node2";
    swarm.slotNodes.put(2, "node2"); // web.1 runs on h2
    Instant late = Instant.parse("2026-11-23T09:00:09Z");
    var h2Arms = fakes.get("h2").onSend;
    fakes.get("h2").onSend = m -> {
      h2Arms.accept(m);
      if (m instanceof MasterMessage.Arm a) {
        swarm.taskLogs.put(a.stack() + "_web/2", List.of(new Orchestrator.LogLine(late, "stdout", "written after the agent died")));
      }
    };
    loseAt("h2", Instant.parse("2026-11-23T09:00:06Z"));

    var result = run();

    assertThat(result.outcome()).isEqualTo(Outcome.FAILED);
    String id = result.runDir().getFileName().toString();
    assertThat(swarm.calls).as("only the lost host's container is salvaged, and before the stack is removed")
        .filteredOn(c -> c.startsWith("taskLogs") || c.startsWith("removeService"))
        .containsExactly("taskLogs " + id + "_web/2 since 2026-11-23T09:00:00Z", "removeService " + id + "_web");
    Path h2 = result.runDir().resolve("hosts/h2");
    assertThat(Files.readAllLines(h2.resolve("logs/web.1.recovered.jsonl"))).singleElement().asString()
        .contains("\"line\":\"written after the agent died\"", "\"recovered_from\":\"orchestrator\"");
    assertThat(Files.readString(result.runDir().resolve("logs/web.1.jsonl"))).as("merged into the run's log of web.1")
        .contains("written after the agent died").contains("\"host\":\"h2\"");
    assertThat(Files.readString(result.runDir().resolve("containers.jsonl"))).contains("\"recovered_from\":\"orchestrator\"");
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("recovered from the orchestrator for lost host h2: 1 container(s), "
        + "1 container event(s), 1 log line(s) the agent had not recorded");
    assertThat(manifest(result.runDir()).reason()).contains("lost host h2");
  }

  @Test
  void anArmRefusedByOneHostAbortsTheOthersCleanlyBeforeT0() throws Exception {
    fakes.get("h3").refuseArm = "no such service web";
    var result = run();
    assertThat(result.outcome().word()).isEqualTo("failed");
    assertThat(result.reason()).isEqualTo("the agent on h3 refused the plan: no such service web");
    assertThat(history).doesNotContain(State.RUNNING);
    for (String h : List.of("h1", "h2")) {
      assertThat(fakes.get(h).received).as(h).contains("abort the agent on h3 refused the plan: no such service web")
          .last().isEqualTo("close");
    }
    assertThat(fakes.get("h3").received).last().isEqualTo("close");
    assertThat(manifest(result.runDir()).outcome()).isEqualTo("failed");
    assertThat(swarm.services).isEmpty();
    assertThat(swarm.networks).isEmpty();
    assertThat(fleetCalls).doesNotContain("export");
  }

  @Test
  void aLoopbackNtpServerInAMultiHostRunIsAWarning() {
    var result = run("127.0.0.1");
    assertThat(result.outcome()).isEqualTo(Outcome.OK);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("warning: ntp_server 127.0.0.1 is a loopback address: each host "
        + "measures its clock against itself");
  }

  @Test
  void loopbackIsJudgedByTheAddressesLiteralForm() {
    assertThat(List.of("127.0.0.1", "127.1.2.3", "localhost", "LOCALHOST", "::1", "[::1]", "ntp.localhost"))
        .allMatch(RunCoordinator::isLoopback);
    assertThat(java.util.Arrays.asList("10.0.0.1", "ntp.example.org", "192.168.1.127", null)).noneMatch(RunCoordinator::isLoopback);
  }

  @Test
  void aPreflightProblemOnAnyHostEndsTheRunWithEveryProblemListedNothingDeployedAndNoFolder() throws Exception {
    fakes.get("h2").preflightProblems = List.of("ntp_server 10.0.0.9 unreachable: no usable NTP reply from 10.0.0.9");
    fakes.get("h3").preflightProblems = List.of("/sys/fs/cgroup/cgroup.procs is not writable (cgroup v2 at /sys/fs/cgroup)",
        "the Docker engine is not part of a swarm (swarm mode inactive)");
    var result = run("10.0.0.9");

    assertThat(result.outcome()).isEqualTo(Outcome.ENVIRONMENT);
    assertThat(ExitCodes.of(result.outcome())).isEqualTo(3);
    assertThat(result.reason()).isEqualTo("pre-flight found 3 problem(s), nothing deployed: "
        + "host h2: ntp_server 10.0.0.9 unreachable: no usable NTP reply from 10.0.0.9; "
        + "host h3: /sys/fs/cgroup/cgroup.procs is not writable (cgroup v2 at /sys/fs/cgroup); "
        + "host h3: the Docker engine is not part of a swarm (swarm mode inactive)");
    assertThat(result.runDir()).isNull();
    assertThat(tmp.resolve("runs")).isEmptyDirectory();
    assertThat(history).containsExactly(State.CHECKING_ENGINE, State.CREATING_FOLDER, State.CONNECTING_AGENT, State.PREFLIGHT,
        State.STOPPING_AGENT, State.DONE);
    assertThat(swarm.calls).noneMatch(c -> c.startsWith("createService") || c.startsWith("createNetwork"));
    assertThat(fakes.values()).as("every host was checked at once, none armed, all closed").allSatisfy(f -> {
      assertThat(f.received).contains("preflight ntp=10.0.0.9 features=[]").noneMatch(r -> r.startsWith("arm"));
      assertThat(f.received).last().isEqualTo("close");
    });
    assertThat(fleetCalls).containsExactly("start " + "hello-20261123-090000");
    assertThat(recorder.events).contains("preflight [h1, h2, h3] problems=3").noneMatch(e -> e.startsWith("deploying"));
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("error: pre-flight found 3 problem(s), nothing deployed: host h2: ")
        .contains("run hello-20261123-090000: environment, nothing deployed");
  }

  @Test
  void aHostSilentOnPreflightIsAProblemWithinTheBoundAndTheOthersReportsStillCount() {
    fakes.get("h1").silentOnPreflight = true;
    fakes.get("h3").preflightProblems = List.of("no Docker engine reachable: connection refused");
    var start = time.nanoTime();
    var result = run();
    assertThat(result.outcome()).isEqualTo(Outcome.ENVIRONMENT);
    assertThat(result.reason()).isEqualTo("pre-flight found 2 problem(s), nothing deployed: host h1: the agent on h1 did not send "
        + "preflight_report within " + TimingContract.PREFLIGHT.toSeconds() + " s; host h3: no Docker engine reachable: connection refused");
    assertThat(Duration.ofNanos(time.nanoTime() - start)).isLessThan(TimingContract.PREFLIGHT.plusSeconds(2));
  }

  @Test
  void aReadyFleetHasItsPreflightInRunJson() throws Exception {
    var result = run();
    var m = manifest(result.runDir());
    assertThat(m.hosts()).extracting(RunManifest.HostInfo::preflight)
        .containsOnly(new RunManifest.Preflight("manager", 0.4, 0.1));
    assertThat(m.hosts()).allSatisfy(h -> assertThat(h.features()).isEmpty());
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("pre-flight h2: engine 20.10.24 (manager), clock +0.400 ms ± 0.100 ms against 10.0.0.1");
  }
}
