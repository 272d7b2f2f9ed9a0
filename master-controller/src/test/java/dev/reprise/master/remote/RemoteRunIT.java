package dev.reprise.master.remote;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.reprise.fdsl.ScenarioLoader;
import dev.reprise.fdsl.plan.Plan;
import dev.reprise.fdsl.plan.PlanJson;
import dev.reprise.fdsl.plan.Planner;
import dev.reprise.agent.protocol.AgentMessage;
import dev.reprise.agent.protocol.MasterMessage;
import dev.reprise.fdsl.record.RecordJson;
import dev.reprise.fdsl.record.RunManifest;
import dev.reprise.master.cli.ClusterCommand;
import dev.reprise.master.cli.RunCommand;
import dev.reprise.master.hosts.HostsFile;
import dev.reprise.master.hosts.HostsFileParser;
import dev.reprise.master.merge.RunCollector;
import dev.reprise.master.run.AgentSession;
import dev.reprise.master.run.TimingContract;
import dev.reprise.master.run.time.SystemTicker;
import dev.reprise.time.SystemTime;
import dev.reprise.master.ssh.RemoteHost;
import dev.reprise.master.testbed.MasterJvm;
import dev.reprise.master.testbed.Testbed;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Multi-host runs on a 3-host testbed, driven through {@link AgentSession} — the conversation
 * {@code master run --hosts} uses, heartbeats on their own thread — with the agents
 * {@link SshRunAgents} starts (over SSH exec channels, one per host, one container of the service
 * per host): kills fire on the host of their
 * target and the merged timeline holds every host in order; when the master's connections die
 * during a CPU fault, every host's burners are gone within {@link #BURNERS_GONE} and the stack can be removed; and
 * {@code master run --hosts} does all of it end to end (one testbed for the whole class).
 */
class RemoteRunIT {
  static final String STACK = "rprit";
  /**
   * The agents see EOF when sshd drops the connections (at once on a quiet machine); the 5 s dead-man
   * switch is the fallback. The bound is that plus a loaded 2-core machine's slack, as in
   * {@link MasterKillIT}: not a latency claim.
   */
  static final Duration BURNERS_GONE = MasterKillIT.DEAD_MAN_BOUND;
  static Path hostsPath;
  static HostsFile hosts;
  static final Map<String, RemoteHost> connected = new LinkedHashMap<>();
  static final SystemTime TIME = SystemTime.INSTANCE;
  @TempDir static Path tmp;

  @BeforeAll
  static void up() throws Exception {
    hostsPath = Testbed.up(3);
    hosts = new HostsFileParser().parse(hostsPath);
    var up = Testbed.cli(new ClusterCommand(), "up", "--hosts", hostsPath.toString(), "--agent-jar", Testbed.agentJar().toString());
    assertThat(up.exit()).as(up.err()).isZero();
    connected.putAll(Testbed.connectAll(hosts));
  }

  @AfterAll
  static void down() throws Exception {
    Testbed.down(connected.values());
  }

  @AfterEach
  void removeStack() throws Exception {
    var manager = manager();
    manager.exec("docker stack rm " + STACK, Duration.ofSeconds(60));
    // wait until the stack's containers are gone on every host, so the next test deploys afresh
    for (int i = 0; i < 60; i++) {
      boolean left = false;
      for (var h : freshHosts()) {
        left |= !h.exec("docker ps -aq --filter label=com.docker.stack.namespace=" + STACK, Duration.ofSeconds(10)).stdout().isBlank();
      }
      if (!left) return;
      TIME.sleep(Duration.ofMillis(500));
    }
    throw new AssertionError("the stack's containers were not removed within 30 s");
  }

  static RemoteHost manager() {
    return connected.get(hosts.manager().name());
  }

  static List<RemoteHost> freshHosts() {
    return new ArrayList<>(connected.values());
  }

  static final String COMPOSE = """
      version: "3.8"
      services:
        hello:
          image: reprise/hello:latest
          environment:
            HELLO_INTERVAL: "0.5"
          deploy:
            replicas: 3
            endpoint_mode: dnsrr
            placement:
              max_replicas_per_node: 1
            restart_policy:
              condition: none
      """;

  /** Plans {@code events} on the hello service, deploys the stack with one container per host, waits for the 3 containers. */
  static Plan deployAndPlan(String name, String events) throws Exception {
    Path scenario = MasterJvm.writeScenario(tmp.resolve(name), COMPOSE,
        "environment:\n  seed: 7\nevents:\n  - beginning:\n      hello: 3\n" + events);
    var loaded = ScenarioLoader.load(scenario, null);
    var plan = Planner.plan(loaded.scenario(), 7).plan().orElseThrow();
    var m = manager();
    String remoteCompose = m.spec().workDir() + "/" + name + "-compose.yml";
    var put = m.exec("cat > " + remoteCompose, new ByteArrayInputStream(COMPOSE.getBytes(StandardCharsets.UTF_8)), Duration.ofSeconds(10));
    assertThat(put.exitCode()).as(put.stderr()).isZero();
    var deploy = m.exec("docker stack deploy -c " + remoteCompose + " " + STACK, Duration.ofSeconds(60));
    assertThat(deploy.exitCode()).as(deploy.stderr()).isZero();
    for (int i = 0; i < 120; i++) {
      var ps = m.exec("docker service ps " + STACK + "_hello --filter desired-state=running --format '{{.Node}} {{.CurrentState}}'",
          Duration.ofSeconds(10));
      if (ps.stdout().lines().filter(l -> l.contains("Running")).map(l -> l.split(" ")[0]).distinct().count() == 3) return plan;
      TIME.sleep(Duration.ofMillis(500));
    }
    throw new AssertionError("3 containers of " + STACK + "_hello did not run on 3 hosts within 60 s");
  }

  /**
   * A session with the agents of {@code on} (started as {@code master run --hosts} starts them),
   * heartbeating on its own thread. {@code exitWait}: how long closing waits for each agent to end.
   */
  static AgentSession open(Map<String, RemoteHost> on, String runId, Duration exitWait) throws java.io.IOException {
    return AgentSession.open(new SshRunAgents(on, exitWait).start(runId, null), TIME, SystemTicker.INSTANCE, TimingContract.HEARTBEAT);
  }

  /** What the agents said so far, for an assertion's description (drains what is queued). */
  static List<AgentSession.Event> drained(AgentSession session, List<AgentSession.Event> into) throws InterruptedException {
    for (AgentSession.Event e; (e = session.next(Duration.ofMillis(10))) != null; ) into.add(e);
    return into;
  }

  static MasterMessage.Arm arm(String runId, Plan plan, java.time.Instant t0, String host, boolean manager) {
    return arm(runId, plan, t0, host, manager, null);
  }

  /** An arm for {@code host}; {@code ntpResyncMs} null: the agent's default. */
  static MasterMessage.Arm arm(String runId, Plan plan, java.time.Instant t0, String host, boolean manager, Long ntpResyncMs) {
    JsonNode planJson;
    try {
      planJson = PlanJson.mapper().readTree(PlanJson.write(plan));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    var spec = hosts.hosts().stream().filter(h -> h.name().equals(host)).findFirst().orElseThrow();
    return new MasterMessage.Arm(runId, planJson, t0, STACK, Map.of("hello", STACK + "_hello"), manager,
        SshAgent.recordsDir(spec, runId), null, hosts.ntpServer(), 1000L, 2000L, ntpResyncMs);
  }

  @Test
  void killsFireOnTheHostOfTheirTargetAndTheMergedTimelineHoldsEveryHost() throws Exception {
    var plan = deployAndPlan("kills", """
          - moment:
              time: 1
              services:
                hello:
                  - fault: {target: {specific: [0]}, kill: }
          - moment:
              time: 2
              services:
                hello:
                  - fault: {target: {specific: [1]}, kill: }
          - moment:
              time: 3
              mark: "last kill next"
              services:
                hello:
                  - fault: {target: {specific: [2]}, kill: }
          - end: 5
        """);
    String runId = "rprit-kills-" + TIME.now().getEpochSecond();
    var events = new CopyOnWriteArrayList<AgentSession.Event>();
    try (var session = open(connected, runId, Duration.ofSeconds(20))) {
      var hellos = session.hello(runId, Duration.ofSeconds(60), events::add);
      assertThat(hellos.keySet()).containsExactlyInAnyOrder("rpr-n1", "rpr-n2", "rpr-n3");
      var t0 = TIME.now().plusSeconds(5);
      var armed = session.arm((h, mgr) -> arm(runId, plan, t0, h, mgr), Duration.ofSeconds(30), events::add);
      assertThat(armed).hasSize(3);
      assertThat(armed.values()).allSatisfy(a -> assertThat(a.clockUncertaintyMs()).as("NTP offset measured against the testbed's chronyd (an uncertainty only comes with a measurement)").isNotNull());
      assertThat(session.awaitEnd(Duration.ofSeconds(60), events::add)).as("every agent ended within 60 s; they said: " + events).isTrue();
      assertThat(session.lost()).isEmpty();
      assertThat(session.ended()).hasSize(3).allSatisfy((h, e) -> assertThat(e.outcome()).as(h + ": " + e.reason()).isEqualTo("ok"));
    }
    var progress = events.stream().filter(e -> e instanceof AgentSession.Said s
        && s.message() instanceof AgentMessage.Progress p && "fault".equals(p.action())).toList();
    assertThat(progress).as("each kill reported by exactly one host").hasSize(3);
    assertThat(progress.stream().map(AgentSession.Event::host).distinct()).as("kills fired on three different hosts").hasSize(3);

    Path run = tmp.resolve("runs").resolve(runId);
    var report = RunCollector.collect(run, runId, connected, Map.of());
    assertThat(report.failed()).isEmpty();
    var timeline = Files.readAllLines(run.resolve("timeline.jsonl"));
    var kills = timeline.stream().filter(l -> l.contains("\"fault\":\"kill\"") && l.contains("\"kind\":\"action\"")).toList();
    assertThat(kills).hasSize(3).allMatch(l -> l.contains("\"outcome\":\"ok\""));
    for (String kill : kills) {
      // the killed container is on the host that recorded the kill
      String host = kill.replaceAll(".*\"host\":\"([^\"]+)\".*", "$1");
      String container = kill.replaceAll(".*\"containers\":\\[\"([0-9a-f]+)\".*", "$1");
      var inspect = connected.get(host).exec("docker inspect --format '{{.State.Status}}' " + container, Duration.ofSeconds(10));
      assertThat(inspect.exitCode()).as("container " + container + " is on " + host).isZero();
      assertThat(inspect.stdout().strip()).isIn("exited", "dead");
    }
    var times = timeline.stream().map(l -> l.replaceAll(".*\"(actual|planned)\":\"([^\"]+)\".*", "$2")).toList();
    assertThat(times).isSorted();
    assertThat(timeline).anyMatch(l -> l.contains("\"host\":\"rpr-n1\"")).anyMatch(l -> l.contains("\"host\":\"rpr-n2\""))
        .anyMatch(l -> l.contains("\"host\":\"rpr-n3\""));
  }

  @Test
  void whenTheMastersConnectionsDieDuringACpuFaultEveryBurnerIsGoneWithinTheDeadManBound() throws Exception {
    var plan = deployAndPlan("cpu", """
          - moment:
              time: 1
              services:
                hello:
                  - fault: {target: {specific: [0, 1, 2]}, cpu: {duration: 60, cores: 1}}
          - end: 70
        """);
    String runId = "rprit-cpu-" + TIME.now().getEpochSecond();
    // the run gets its own sessions, so dropping them is what the agents see when the master is SIGKILLed
    var runHosts = Testbed.connectAll(hosts);
    var events = new CopyOnWriteArrayList<AgentSession.Event>();
    try (var session = open(runHosts, runId, Duration.ZERO)) {
      session.hello(runId, Duration.ofSeconds(60), events::add);
      var t0 = TIME.now().plusSeconds(5);
      session.arm((h, mgr) -> arm(runId, plan, t0, h, mgr), Duration.ofSeconds(30), events::add);
      // the heartbeats go on on their own thread while this one probes the hosts over SSH (slow on a busy machine)
      long until = TIME.nanoTime() + Duration.ofSeconds(40).toNanos();
      while (countBurningHosts() < 3 && TIME.nanoTime() < until) TIME.sleep(Duration.ofMillis(500));
      assertThat(countBurningHosts()).as("burners run on every host; agents said: " + drained(session, events)).isEqualTo(3);

      runHosts.values().forEach(RemoteHost::close); // the TCP connections drop: sshd closes every agent's stdin
      long dropped = TIME.nanoTime();
      while (countBurningHosts() > 0 && TIME.nanoTime() - dropped < BURNERS_GONE.toNanos()) TIME.sleep(Duration.ofMillis(200));
      assertThat(countBurningHosts()).as("burners left " + BURNERS_GONE.toSeconds() + " s after the master's connections died").isZero();
    }
    // the agents kept their records for `master collect`
    var report = RunCollector.collect(tmp.resolve("runs").resolve(runId), runId, connected, Map.of());
    assertThat(report.failed()).isEmpty();
    assertThat(Files.readString(tmp.resolve("runs").resolve(runId).resolve("timeline.jsonl")))
        .contains("\"kind\":\"heal\"").contains("\"fault\":\"cpu\"");
  }

  @Test
  void masterRunWithHostsRunsTheScenarioOnEveryHostAndMergesTheRecords() throws Exception {
    Path scenario = MasterJvm.writeScenario(tmp.resolve("cli"), COMPOSE, """
        environment:
          seed: 11
        events:
          - beginning:
              hello: 3
          - moment:
              time: 1
              mark: "steady"
          - moment:
              time: 2
              services:
                hello:
                  - fault: {target: {specific: [0]}, kill: }
          - moment:
              time: 4
              services:
                hello:
                  - fault: {target: {specific: [1]}, signal: {signal: SIGTERM, kills_container: yes}}
          - end: 8
        """);
    Path dir = scenario.getParent();
    var plan = ScenarioLoader.load(scenario, null).plan(null);
    // Without ntp_server: on this one-machine testbed the round trip to chronyd is below the agent's
    // 1 ms client timestamp resolution and its NTP samples are sometimes all rejected as "negative
    // delay" (then arm is refused); the hosts share one clock, so nothing is lost here.
    Path hostsNoNtp = dir.resolve("hosts.yaml");
    Files.write(hostsNoNtp, Files.readAllLines(hostsPath).stream().filter(l -> !l.startsWith("ntp_server:")).toList());
    var out = new ByteArrayOutputStream();
    var err = new ByteArrayOutputStream();
    int code = new CommandLine(new RunCommand(new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8))).execute(scenario.toString(),
        "--hosts", hostsNoNtp.toString(), "--out", tmp.resolve("cli-runs").toString(),
        "--agent-jar", Testbed.agentJar().toString());
    String said = err.toString(StandardCharsets.UTF_8);
    assertThat(code).as(said).isZero();
    var lines = out.toString(StandardCharsets.UTF_8).strip().lines().toList();
    Path run = Path.of(lines.get(lines.size() - 1));
    String runId = run.getFileName().toString();

    var manifest = RecordJson.mapper().readValue(Files.readString(run.resolve("run.json")), RunManifest.class);
    assertThat(manifest.outcome()).as(said).isEqualTo("ok");
    assertThat(manifest.hosts()).extracting(RunManifest.HostInfo::name).containsExactly("rpr-n1", "rpr-n2", "rpr-n3");
    assertThat(manifest.hosts()).allSatisfy(h -> {
      assertThat(h.dockerVersion()).isNotBlank();
      assertThat(h.kernel()).isNotBlank();
      assertThat(h.cores()).isPositive();
    });

    var records = new ArrayList<JsonNode>();
    for (String l : Files.readAllLines(run.resolve("timeline.jsonl"))) records.add(RecordJson.mapper().readTree(l));
    var fired = records.stream().filter(r -> List.of("action", "mark").contains(r.path("kind").asText())).toList();
    for (var action : plan.actions()) {
      assertThat(fired).as("planned action #" + action.seq() + " in the merged timeline")
          .anySatisfy(r -> {
            assertThat(r.path("seq").asInt()).isEqualTo(action.seq());
            assertThat(r.path("outcome").asText()).isEqualTo("ok");
          });
    }
    assertThat(records.stream().map(r -> r.path("host").asText()).distinct().count())
        .as("records from more than one host").isGreaterThan(1);
    assertThat(run.resolve("hosts")).isDirectory();

    var left = manager().exec("docker service ls -q --filter label=com.docker.stack.namespace=" + runId, Duration.ofSeconds(10));
    assertThat(left.stdout()).as("the run's stack is removed").isBlank();
  }

  /**
   * Issue 11 item 10, as a user saw it: the agent of one host is SIGKILLed a few seconds after it
   * fired a CPU fault. The run goes on and fails naming the lost host; that host's folder in the run
   * holds what its agent had on disk (timeline with the fired action, stats, logs: flushed within a
   * second of each record) and what the swarm manager still held of its container after the agent
   * died (log lines, recovered before the stack was removed).
   */
  @Test
  void aHostWhoseAgentIsKilledKeepsItsRecordsAndWhatTheManagerHeldOfItsContainers() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("lost"));
    Files.writeString(dir.resolve("docker-compose.yml"), COMPOSE);
    Files.writeString(dir.resolve("scenario.yaml"), """
        environment:
          seed: 13
        events:
          - beginning:
              hello: 3
          - moment:
              time: 2
              services:
                hello:
                  - fault: {target: {specific: [0, 1, 2]}, cpu: {duration: 5, cores: 1}}
          - end: 16
        """);
    Path hostsNoNtp = dir.resolve("hosts.yaml"); // see masterRunWithHosts...: no ntp_server on this one-machine testbed
    Files.write(hostsNoNtp, Files.readAllLines(hostsPath).stream().filter(l -> !l.startsWith("ntp_server:")).toList());
    Path runs = tmp.resolve("lost-runs");
    var out = new ByteArrayOutputStream();
    var err = new ByteArrayOutputStream();
    var run = java.util.concurrent.CompletableFuture.supplyAsync(() -> new CommandLine(new RunCommand(
        new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8)))
        .execute(dir.resolve("scenario.yaml").toString(), "--hosts", hostsNoNtp.toString(), "--out", runs.toString(),
            "--agent-jar", Testbed.REPO.resolve("local-controller/target/agent-all.jar").toString()));
    String lostHost = "rpr-n2";
    var victim = connected.get(lostHost);
    // wait until the victim's agent has its fired CPU action on its own disk
    String runId = null;
    String remoteTimeline = null;
    long until = TIME.nanoTime() + Duration.ofSeconds(180).toNanos();
    while (TIME.nanoTime() < until && !run.isDone()) {
      if (runId == null && Files.isDirectory(runs)) {
        try (var l = Files.list(runs)) {
          runId = l.filter(Files::isDirectory).map(p -> p.getFileName().toString()).findFirst().orElse(null);
        }
      }
      if (runId != null) {
        remoteTimeline = SshAgent.recordsDir(victim.spec(), runId) + "/timeline.jsonl";
        var t = victim.exec("cat " + remoteTimeline + " 2>/dev/null", Duration.ofSeconds(10)).stdout();
        if (t.contains("\"kind\":\"action\"") && t.contains("\"fault\":\"cpu\"")) break;
      }
      TIME.sleep(Duration.ofMillis(300));
    }
    assertThat(run.isDone()).as("the run is still going; it said:\n" + err.toString(StandardCharsets.UTF_8)).isFalse();
    assertThat(runId).as("a run folder under " + runs).isNotNull();
    TIME.sleep(Duration.ofSeconds(3)); // the fault is 3 s old, as in the issue; logs and stats go on
    String jar = victim.spec().workDir() + "/" + dev.reprise.master.cluster.ClusterManager.AGENT_JAR;
    // the testbed's hosts share one process table: the victim's agent is the java running its own jar
    var pids = victim.exec("ps -eo pid=,args=", Duration.ofSeconds(10)).stdout().lines()
        .filter(l -> l.contains(" -jar " + jar) && l.contains("java")).map(l -> l.strip().split("\\s+")[0]).toList();
    assertThat(pids).as("the agent of " + lostHost + " (" + jar + ")").hasSize(1);
    var killedAt = TIME.now();
    assertThat(victim.exec("kill -9 " + pids.get(0), Duration.ofSeconds(10)).exitCode()).isZero();
    var killReturned = TIME.now();

    int code = run.get(3, java.util.concurrent.TimeUnit.MINUTES);
    String said = err.toString(StandardCharsets.UTF_8);
    assertThat(code).as(said).isEqualTo(1);
    Path runDir = runs.resolve(runId);
    var manifest = RecordJson.mapper().readValue(Files.readString(runDir.resolve("run.json")), RunManifest.class);
    assertThat(manifest.outcome()).isEqualTo("failed");
    assertThat(manifest.reason()).as(said).contains("lost host " + lostHost);

    Path hostDir = runDir.resolve("hosts").resolve(lostHost);
    assertThat(Files.readString(hostDir.resolve("timeline.jsonl"))).as("the lost host's fired action, from its own disk")
        .contains("\"kind\":\"action\"").contains("\"fault\":\"cpu\"");
    assertThat(Files.readAllLines(hostDir.resolve("stats.jsonl"))).as("its stats").isNotEmpty();
    assertThat(Files.readAllLines(hostDir.resolve("containers.jsonl"))).as("its containers").hasSize(1);
    var c = RecordJson.mapper().readTree(Files.readAllLines(hostDir.resolve("containers.jsonl")).get(0));
    String logName = "logs/hello." + c.path("id").asInt() + ".jsonl";
    var agentLog = Files.readAllLines(hostDir.resolve(logName));
    assertThat(agentLog).as("its container's log, from its own disk").isNotEmpty();
    var lastAgentLine = java.time.Instant.parse(RecordJson.mapper().readTree(agentLog.get(agentLog.size() - 1)).path("time").asText());
    var recovered = Files.readAllLines(hostDir.resolve(logName.replace(".jsonl", ".recovered.jsonl")));
    assertThat(recovered).as("the lines its container wrote after the agent died, recovered from the manager; the run said:\n" + said)
        .isNotEmpty().allMatch(l -> l.contains("\"recovered_from\":\"orchestrator\""));
    var firstRecovered = java.time.Instant.parse(RecordJson.mapper().readTree(recovered.get(0)).path("time").asText());
    assertThat(firstRecovered).isAfter(lastAgentLine);
    assertThat(Files.readString(runDir.resolve(logName))).as("merged into the run's log of that container").contains("recovered_from");
    var merged = Files.readAllLines(runDir.resolve("timeline.jsonl"));
    assertThat(merged).as("the lost host's action is in the merged timeline")
        .anyMatch(l -> l.contains("\"host\":\"" + lostHost + "\"") && l.contains("\"fault\":\"cpu\"") && l.contains("\"kind\":\"action\""));
    var recoveredSaid = said.lines().filter(l -> l.contains("recovered from the orchestrator for lost host " + lostHost)).toList();
    assertThat(recoveredSaid).as(said).hasSize(1);
    System.out.println(recoveredSaid.get(0));
    System.out.printf("lost host: kill -9 sent at %s, done %d ms later; the agent's last log line on disk is at %+d ms from the "
        + "send; %d later line(s) recovered from the manager%n", killedAt, Duration.between(killedAt, killReturned).toMillis(),
        Duration.between(killedAt, lastAgentLine).toMillis(), recovered.size());
    long gone = TIME.nanoTime() + BURNERS_GONE.toNanos();
    while (countBurningHosts() > 0 && TIME.nanoTime() < gone) TIME.sleep(Duration.ofMillis(200));
    assertThat(countBurningHosts()).as("the killed agent's burner ended itself at its deadline").isZero();
  }

  /**
   * Hosts with a burner for one of their own stack containers (burners carry
   * {@code reprise-burner/<run>/<node>/<seq>/<container id prefix>} in their command line; the
   * testbed's hosts share one process table, so the container ID tells the hosts apart).
   */
  static int countBurningHosts() throws Exception {
    int n = 0;
    for (var h : connected.values()) {
      var r = h.exec("ps -eo args > /tmp/rprit-ps.$$; for c in $(docker ps -q --filter label=com.docker.stack.namespace=" + STACK + "); do "
          + "grep -F reprise-burner /tmp/rprit-ps.$$ | grep -F -- \"/$c\"; done | grep -c . ; rm -f /tmp/rprit-ps.$$", Duration.ofSeconds(20));
      if (Integer.parseInt(r.stdout().strip().isEmpty() ? "0" : r.stdout().strip()) > 0) n++;
    }
    return n;
  }

  /**
   * A partition across hosts, run as users run it ({@code master run --hosts}): hello 0 is cut off
   * from hello 1 (on another host) both ways while hello 2 (on the third) stays reachable from both.
   * Every directed pair is pinged from inside its container's network namespace throughout, and
   * held against the window the merged timeline records: exactly the pairs 0↔1 are cut, and only
   * inside it. After the heal nothing of Reprise's is in any container's namespace on any host, no
   * helper runs and no host's heal journal holds an entry of the run.
   */
  @Test
  void aPartitionAcrossHostsCutsExactlyThePairsNamedBothWaysAndLeavesNothingOnAnyHost() throws Exception {
    Path scenario = MasterJvm.writeScenario(tmp.resolve("partition"), COMPOSE, """
        environment:
          seed: 12
        events:
          - beginning:
              hello: 3
          - moment:
              time: 8
              services:
                hello:
                  - fault: {target: {specific: [0]}, partition: {duration: 12s, peers: {hello: [1]}}}
          - end: 30
        """);
    Path hostsNoNtp = scenario.getParent().resolve("hosts.yaml");
    Files.write(hostsNoNtp, Files.readAllLines(hostsPath).stream().filter(l -> !l.startsWith("ntp_server:")).toList());
    Path out = tmp.resolve("partition-runs");
    var err = new ByteArrayOutputStream();
    var code = new java.util.concurrent.CompletableFuture<Integer>();
    var runner = new Thread(() -> code.complete(new CommandLine(new RunCommand(new PrintStream(new ByteArrayOutputStream(), true,
        StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8))).execute(scenario.toString(), "--hosts",
        hostsNoNtp.toString(), "--out", out.toString(), "--agent-jar", Testbed.agentJar().toString())), "partition-run");
    runner.start();
    String runId = null;
    for (long until = System.nanoTime() + Duration.ofMinutes(3).toNanos(); runId == null && System.nanoTime() < until; ) {
      var ids = MasterJvm.runFolders(out, "partition"); // runs are named after the scenario's folder
      if (!ids.isEmpty()) runId = ids.get(0);
      else if (code.isDone()) throw new AssertionError("the run ended before its folder appeared: " + err);
      else TIME.sleep(Duration.ofMillis(200));
    }
    assertThat(runId).as(err.toString(StandardCharsets.UTF_8)).isNotNull();
    // FDSL ID n is task slot n + 1; find each one's host, main PID and overlay address
    var containers = new java.util.TreeMap<Integer, dev.reprise.master.testbed.ContainerNet.Container>();
    var hostOf = new java.util.TreeMap<Integer, String>();
    for (long until = System.nanoTime() + Duration.ofMinutes(3).toNanos(); containers.size() < 3 && System.nanoTime() < until; ) {
      for (var host : connected.values()) {
        var r = host.exec("for c in $(docker ps -q --filter label=com.docker.swarm.service.name=" + runId + "_hello); do docker inspect -f"
            + " '{{index .Config.Labels \"com.docker.swarm.task.name\"}} {{.State.Pid}} {{range .NetworkSettings.Networks}}{{.IPAddress}} {{end}}'"
            + " $c; done", Duration.ofSeconds(20));
        for (var line : r.stdout().strip().lines().toList()) {
          var f = line.trim().split("\\s+");
          if (f.length < 3) continue;
          int slot = Integer.parseInt(f[0].split("\\.")[1]);
          containers.put(slot - 1, new dev.reprise.master.testbed.ContainerNet.Container(f[0], Long.parseLong(f[1]),
              List.of(java.util.Arrays.copyOfRange(f, 2, f.length))));
          hostOf.put(slot - 1, host.spec().name());
        }
      }
      if (containers.size() < 3) TIME.sleep(Duration.ofMillis(500));
    }
    assertThat(containers.keySet()).as("the 3 containers: " + containers).containsExactly(0, 1, 2);
    assertThat(hostOf.get(0)).as("hello 0 and its peer hello 1 run on different hosts: " + hostOf).isNotEqualTo(hostOf.get(1));
    String helper = dev.reprise.agent.nativehelper.NativeHelper.extract().toString();
    var echoes = new ArrayList<Process>();
    var bursts = new LinkedHashMap<String, List<dev.reprise.master.testbed.ContainerNet.Burst>>();
    List<String> leftAfterHeal = null;
    boolean sawRules = false;
    try {
      for (var c : containers.values()) echoes.add(dev.reprise.master.testbed.ContainerNet.startEcho(helper, c, 7777, Duration.ofMinutes(3)));
      while (!code.isDone()) {
        for (var from : containers.entrySet()) {
          for (var to : containers.entrySet()) {
            if (from.getKey().equals(to.getKey())) continue;
            var b = dev.reprise.master.testbed.ContainerNet.ping(helper, from.getValue(), to.getValue().addresses().get(0), 7777, 5, 20, 300);
            bursts.computeIfAbsent(from.getKey() + "->" + to.getKey(), k -> new ArrayList<>()).add(b);
          }
        }
        // the rules are on hello 0's side; once seen and gone again, the heal is done: nothing may be left on any host
        var now = new ArrayList<String>();
        for (var c : containers.values()) now.addAll(dev.reprise.master.testbed.ContainerNet.leftovers(c.pid()));
        if (leftAfterHeal == null) {
          if (!now.isEmpty()) sawRules = true;
          else if (sawRules) leftAfterHeal = now; // the first clean look after the rules were in place
        } else if (!now.isEmpty()) {
          leftAfterHeal = now; // something came back after the heal: that is what is reported
        }
      }
    } finally {
      echoes.forEach(Process::destroyForcibly);
    }
    assertThat(code.get(2, java.util.concurrent.TimeUnit.MINUTES)).as(err.toString(StandardCharsets.UTF_8)).isZero();
    var records = new ArrayList<JsonNode>();
    for (String l : Files.readAllLines(out.resolve(runId).resolve("timeline.jsonl"))) records.add(RecordJson.mapper().readTree(l));
    var action = records.stream().filter(r -> "partition".equals(r.path("fault").asText()) && "action".equals(r.path("kind").asText()))
        .findFirst().orElseThrow(() -> new AssertionError("no partition action in " + records));
    var heal = records.stream().filter(r -> "partition".equals(r.path("fault").asText()) && "heal".equals(r.path("kind").asText()))
        .findFirst().orElseThrow(() -> new AssertionError("no partition heal in " + records));
    assertThat(action.path("outcome").asText()).as(action.toString()).isEqualTo("ok");
    assertThat(action.path("mechanism").asText()).isEqualTo("iptables");
    var from = java.time.Instant.parse(action.path("acknowledged").asText()).plusMillis(300);
    var to = java.time.Instant.parse(heal.path("actual").asText()).minusMillis(100);
    var summary = new StringBuilder("window " + from + ".." + to);
    bursts.forEach((pair, list) -> list.forEach(b -> summary.append("\n").append(pair).append(" ").append(b)));
    for (var e : bursts.entrySet()) {
      boolean cut = e.getKey().equals("0->1") || e.getKey().equals("1->0");
      var inside = e.getValue().stream().filter(b -> b.within(from, to)).toList();
      var after = e.getValue().stream().filter(b -> b.start().isAfter(to.plusMillis(1000))).toList();
      assertThat(inside).as("bursts of " + e.getKey() + " inside the window; " + summary).isNotEmpty();
      int received = inside.stream().mapToInt(dev.reprise.master.testbed.ContainerNet.Burst::received).sum();
      if (cut) assertThat(received).as(e.getKey() + " is cut inside the window; " + summary).isZero();
      else assertThat(received).as(e.getKey() + " is not cut; " + summary).isPositive();
      assertThat(after.stream().mapToInt(dev.reprise.master.testbed.ContainerNet.Burst::received).sum())
          .as(e.getKey() + " crosses again after the heal; " + summary).isPositive();
    }
    assertThat(sawRules).as("the partition's rules were seen in hello 0's namespace").isTrue();
    assertThat(leftAfterHeal).as("what was left in the containers' namespaces after the heal, on every host").isNotNull().isEmpty();
    assertThat(new dev.reprise.agent.runtime.LinuxHostOps().findMarked(dev.reprise.agent.runtime.HostOps.BURNER_PREFIX + "/" + runId))
        .as("helper or burner processes of the run").isEmpty();
    var root = dev.reprise.agent.heal.HealJournalStore.defaultRoot();
    if (Files.isDirectory(root)) {
      try (var files = Files.walk(root)) {
        final String id = runId;
        assertThat(files.filter(f -> f.getFileName().toString().startsWith(id) && f.toString().endsWith(".json")).toList())
            .as("heal journal entries of the run on every host").isEmpty();
      }
    }
  }

}
