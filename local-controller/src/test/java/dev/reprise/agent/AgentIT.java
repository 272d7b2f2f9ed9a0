package dev.reprise.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reprise.agent.protocol.AgentMessage;
import dev.reprise.agent.protocol.MasterMessage;
import dev.reprise.agent.protocol.ProtocolCodec;
import dev.reprise.agent.runtime.LinuxHostOps;
import dev.reprise.fdsl.model.CpuFault;
import dev.reprise.fdsl.model.CustomFault;
import dev.reprise.fdsl.model.KillFault;
import dev.reprise.fdsl.model.SignalFault;
import dev.reprise.fdsl.plan.Plan;
import dev.reprise.fdsl.plan.StartAction;
import dev.reprise.fdsl.plan.StopAction;
import dev.reprise.fdsl.record.ContainerEventRecord;
import dev.reprise.fdsl.record.ContainerRecord;
import dev.reprise.fdsl.record.LogRecord;
import dev.reprise.fdsl.record.RecordJson;
import dev.reprise.fdsl.record.StatsRecord;
import dev.reprise.fdsl.record.TimelineRecord;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real agent (docker-java, /proc, cgroups, the precise scheduler) against the local engine on a
 * single-node swarm: every action and fault type really acts, every record is written. Creates
 * uniquely named services of {@code reprise/hello:latest} (images/hello/build.sh) and removes them.
 */
class AgentIT {
  static final String PREFIX = "lc-it-" + Long.toHexString(System.nanoTime() & 0xffffffL);
  static final List<String> created = new ArrayList<>();
  @TempDir Path dir;

  static String docker(String... args) throws IOException, InterruptedException {
    var cmd = new ArrayList<String>();
    cmd.add("docker");
    cmd.addAll(List.of(args));
    var p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    var out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) throw new IOException(String.join(" ", cmd) + " failed: " + out);
    return out.strip();
  }

  @BeforeAll
  static void swarm() throws Exception {
    if (!docker("info", "--format", "{{.Swarm.LocalNodeState}}").equals("active")) {
      try {
        docker("swarm", "init", "--advertise-addr", "127.0.0.1");
      } catch (IOException e) {
        if (!e.getMessage().contains("already part of a swarm")) throw e;
      }
    }
  }

  @AfterAll
  static void removeServices() throws Exception {
    for (var s : created) {
      try {
        docker("service", "rm", s);
      } catch (IOException e) {
        // already gone
      }
    }
  }

  static String service(String name, int replicas, String... env) throws Exception {
    var full = PREFIX + "_" + name;
    var args = new ArrayList<>(List.of("service", "create", "-d", "--name", full, "--restart-condition", "none",
        "--endpoint-mode", "dnsrr", "--replicas", Integer.toString(replicas), "--stop-grace-period", "5s"));
    for (var e : env) args.addAll(List.of("--env", e));
    args.add("reprise/hello:latest");
    created.add(full);
    docker(args.toArray(String[]::new));
    for (int i = 0; i < 120; i++) {
      var running = docker("ps", "-q", "--filter", "label=com.docker.swarm.service.name=" + full).lines().count();
      if (running == replicas) return full;
      TimeUnit.MILLISECONDS.sleep(500);
    }
    throw new AssertionError(full + " did not reach " + replicas + " running containers");
  }

  /** Drives one agent with the real dependencies over piped streams, heartbeating every 500 ms like the master. */
  static final class Master implements AutoCloseable {
    final PipedConversation conversation = new PipedConversation(new Agent(AgentMain.realDependencies()), Duration.ofSeconds(60));
    volatile boolean heartbeating = true;

    Master() throws IOException {
      var beat = new Thread(() -> {
        try {
          while (heartbeating) {
            send(new MasterMessage.Heartbeat(Instant.now()));
            TimeUnit.MILLISECONDS.sleep(500);
          }
        } catch (Exception e) {
          // input closed
        }
      });
      beat.setDaemon(true);
      beat.start();
    }

    void send(MasterMessage m) throws IOException {
      conversation.send(m);
    }

    /** The next message of {@code type}; an agent {@code error} fails the test at once. */
    <T extends AgentMessage> T expect(Class<T> type, int seconds) throws InterruptedException {
      return conversation.expect(type, Duration.ofSeconds(seconds), true);
    }

    Instant arm(String runId, Plan plan, Map<String, String> services, Path records, Path faults) throws Exception {
      send(new MasterMessage.Hello(1, runId, "it"));
      expect(AgentMessage.Hello.class, 10);
      var t0 = Instant.now().plusSeconds(2);
      send(ProtocolCodec.arm(runId, plan, t0, PREFIX, services, true, records.toString(),
          faults == null ? null : faults.toString(), null, 1000, 5000));
      expect(AgentMessage.Armed.class, 20);
      return t0;
    }

    @Override
    public void close() throws Exception {
      heartbeating = false;
      conversation.close();
    }
  }

  static <T> List<T> read(Path file, Class<T> type) throws IOException {
    if (!Files.exists(file)) return List.of();
    return Files.readAllLines(file).stream().map(l -> RecordJson.parse(l, type)).toList();
  }

  @Test
  void everyActionAndFaultTypeActsOnRealContainersAndEveryRecordIsKept() throws Exception {
    var web = service("web", 3, "HELLO_INTERVAL=0.5");
    var count = service("count", 1, "HELLO_COUNT=20", "HELLO_INTERVAL=0.05");
    var faults = Files.createDirectories(dir.resolve("faults"));
    Files.writeString(faults.resolve("probe.sh"), "echo \"probe in $(hostname) args $*\"\nexit 3\n");
    var records = dir.resolve("run");
    var plan = TestPlans.plan(14_000, Map.of("web", 3, "count", 1),
        TestPlans.fault(0, 500, "web", new SignalFault("SIGUSR1", false), 0),
        TestPlans.fault(1, 1000, "web", new CpuFault(5000, 1), 1),
        TestPlans.fault(2, 1500, "web", new KillFault(), 2),
        TestPlans.fault(3, 2000, "web", new CustomFault(false, "probe.sh", null, List.of("x"), null, null), 0),
        new StartAction(4, 4, 2500, "web", List.of(3)),
        new StopAction(5, 5, 6000, "web", List.of(3)));
    Instant t0;
    try (var m = new Master()) {
      t0 = m.arm(PREFIX, plan, Map.of("web", web, "count", count), records, faults);
      var ended = m.expect(AgentMessage.Ended.class, 40);
      assertThat(ended.outcome()).isEqualTo("ok");
    }
    var timeline = read(records.resolve("timeline.jsonl"), TimelineRecord.class);
    // Lines come in completion order (a custom action's line is written when its script ends).
    var actions = timeline.stream().filter(r -> r.kind().equals("action"))
        .sorted(java.util.Comparator.comparing(TimelineRecord::seq)).toList();
    assertThat(actions).extracting(TimelineRecord::seq).containsExactly(0, 1, 2, 3, 4, 5);
    assertThat(actions).allSatisfy(r -> {
      assertThat(r.outcome()).as("seq %d: %s", r.seq(), r.error()).isEqualTo("ok");
      // Fired at or after its instant, and in the same run phase: accuracy is scripts/bench-firing.sh's
      // business (a busy 2-core machine deploying another stack saw 867 ms here).
      assertThat(java.time.Duration.between(r.planned(), r.actual()).toMillis()).isBetween(0L, 10_000L);
    });
    assertThat(actions.get(3).exitCode()).isEqualTo(3);
    assertThat(actions.get(3).output()).contains("probe in", "args x");
    assertThat(timeline).filteredOn(r -> r.kind().equals("heal")).singleElement()
        .satisfies(h -> assertThat(h.seq()).isEqualTo(1));

    // signal: the container logged it and still runs
    var web0 = read(records.resolve("logs/web.0.jsonl"), LogRecord.class);
    assertThat(web0).anySatisfy(l -> assertThat(l.line()).contains("got SIGUSR1"));
    // kill ends ID 2 with 137; the graceful stop ends ID 3 with 0 (hello traps SIGTERM)
    var events = read(records.resolve("container-events.jsonl"), ContainerEventRecord.class);
    assertThat(events).anySatisfy(e -> assertThat(java.util.Arrays.asList(e.event(), e.service(), e.id(), e.exitCode()))
        .isEqualTo(List.of("die", "web", 2, 137)));
    assertThat(events).anySatisfy(e -> assertThat(java.util.Arrays.asList(e.event(), e.service(), e.id(), e.exitCode()))
        .isEqualTo(List.of("die", "web", 3, 0)));
    // start after a kill: the new container is ID 3 in slot 4 (the dead slot 3 is not reused)
    var containers = read(records.resolve("containers.jsonl"), ContainerRecord.class);
    assertThat(containers).filteredOn(c -> c.service().equals("web")).extracting(ContainerRecord::id, ContainerRecord::slot)
        .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple(0, 1), org.assertj.core.groups.Tuple.tuple(1, 2),
            org.assertj.core.groups.Tuple.tuple(2, 3), org.assertj.core.groups.Tuple.tuple(3, 4));
    assertThat(docker("ps", "-q", "--filter", "label=com.docker.swarm.service.name=" + web).lines().count()).isEqualTo(2);
    // N numbered lines → N log lines
    var countLog = read(records.resolve("logs/count.0.jsonl"), LogRecord.class);
    assertThat(countLog).filteredOn(l -> l.line().startsWith("hello line ")).hasSize(20);
    // cpu: busy during the window, not after
    var stats = read(records.resolve("stats.jsonl"), StatsRecord.class).stream()
        .filter(s -> s.service().equals("web") && s.id() == 1).toList();
    var during = stats.stream().filter(s -> s.time().isAfter(t0.plusMillis(2500)) && s.time().isBefore(t0.plusMillis(5500)))
        .mapToDouble(StatsRecord::cpuPercent).max().orElse(0);
    var after = stats.stream().filter(s -> s.time().isAfter(t0.plusMillis(8000)))
        .mapToDouble(StatsRecord::cpuPercent).max().orElse(-1);
    assertThat(during).as("cpu during the burn").isGreaterThan(40);
    assertThat(after).as("cpu after the burn").isBetween(0.0, 15.0);
    assertThat(new LinuxHostOps().findMarked("reprise-burner/" + PREFIX)).isEmpty();
    assertThat(Files.readAllLines(records.resolve("host-stats.jsonl"))).isNotEmpty();
  }

  @Test
  void eofAndAbortHealBurnersAndLeaveNoProcessBehind() throws Exception {
    var hot = service("hot", 1, "HELLO_INTERVAL=1");
    var plan = TestPlans.plan(120_000, Map.of("hot", 1), TestPlans.fault(0, 200, "hot", new CpuFault(100_000, 2), 0));
    var host = new LinuxHostOps();
    for (var how : List.of("eof", "abort")) {
      var runId = PREFIX + "-" + how;
      var m = new Master();
      m.arm(runId, plan, Map.of("hot", hot), dir.resolve(how), null);
      assertThat(m.expect(AgentMessage.Progress.class, 10).outcome()).isEqualTo("ok");
      assertThat(host.findMarked("reprise-burner/" + runId)).hasSize(2);
      if (how.equals("eof")) {
        m.heartbeating = false;
        m.conversation.closeInput();
      } else {
        m.send(new MasterMessage.Abort("test abort"));
      }
      var ended = m.expect(AgentMessage.Ended.class, 30);
      assertThat(ended.outcome()).isEqualTo("aborted");
      assertThat(ended.healed()).isEqualTo(1);
      assertThat(host.findMarked("reprise-burner/" + runId)).isEmpty();
      m.close();
    }
  }

  /**
   * The agent as its own process (as over SSH), SIGKILLed 2 s into a CPU fault: nobody heals, yet
   * its records up to the kill are on disk (the fired action, stats, host stats) and its burners end
   * by themselves at the fault's end.
   */
  @Test
  void aKilledAgentsRecordsAreOnDiskAndItsBurnersEndByThemselves() throws Exception {
    var hot = service("orphan", 1, "HELLO_INTERVAL=0.2");
    var runId = PREFIX + "-orphan";
    var records = dir.resolve("orphan");
    var plan = TestPlans.plan(60_000, Map.of("orphan", 1), TestPlans.fault(0, 500, "orphan", new CpuFault(6000, 1), 0));
    var host = new LinuxHostOps();
    var java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    var agent = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), AgentMain.class.getName())
        .redirectError(ProcessBuilder.Redirect.INHERIT).start();
    try {
      var out = new java.io.BufferedReader(new java.io.InputStreamReader(agent.getInputStream(), StandardCharsets.UTF_8));
      var in = agent.getOutputStream();
      java.util.function.Consumer<MasterMessage> send = m -> {
        try {
          in.write((ProtocolCodec.encode(m) + "\n").getBytes(StandardCharsets.UTF_8));
          in.flush();
        } catch (IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      };
      send.accept(new MasterMessage.Hello(1, runId, "it"));
      assertThat(ProtocolCodec.decodeAgent(out.readLine())).isInstanceOf(AgentMessage.Hello.class);
      var t0 = Instant.now().plusSeconds(2);
      send.accept(ProtocolCodec.arm(runId, plan, t0, PREFIX, Map.of("orphan", hot), true, records.toString(), null, null, 500, 5000));
      AgentMessage m;
      while (!((m = ProtocolCodec.decodeAgent(out.readLine())) instanceof AgentMessage.Progress)) {
        assertThat(m).isNotInstanceOf(AgentMessage.Error.class);
        send.accept(new MasterMessage.Heartbeat(Instant.now()));
      }
      assertThat(((AgentMessage.Progress) m).outcome()).isEqualTo("ok");
      assertThat(host.findMarked("reprise-burner/" + runId)).hasSize(1);
      for (int i = 0; i < 4; i++) {
        send.accept(new MasterMessage.Heartbeat(Instant.now()));
        TimeUnit.MILLISECONDS.sleep(500);
      }
      agent.destroyForcibly(); // SIGKILL: no heal, no flush at the end
      assertThat(agent.waitFor(10, TimeUnit.SECONDS)).isTrue();
      // Within a second of their events: the fired action, the container's stats, the host's stats.
      assertThat(read(records.resolve("timeline.jsonl"), TimelineRecord.class)).singleElement().satisfies(r -> {
        assertThat(r.fault()).isEqualTo("cpu");
        assertThat(r.issued()).isNotNull();
        assertThat(r.acknowledged()).isNotNull();
      });
      assertThat(read(records.resolve("stats.jsonl"), StatsRecord.class)).isNotEmpty();
      assertThat(Files.readAllLines(records.resolve("host-stats.jsonl"))).isNotEmpty();
      assertThat(host.findMarked("reprise-burner/" + runId)).as("nobody healed: the burner still runs").hasSize(1);
      var end = t0.plusMillis(500 + 6000);
      for (int i = 0; i < 400 && !host.findMarked("reprise-burner/" + runId).isEmpty(); i++) TimeUnit.MILLISECONDS.sleep(100);
      assertThat(host.findMarked("reprise-burner/" + runId)).as("the burner ended by itself at its fault's end").isEmpty();
      assertThat(Instant.now()).isAfterOrEqualTo(end.minusSeconds(1));
    } finally {
      agent.destroyForcibly();
      host.findMarked("reprise-burner/" + runId).forEach(host::kill);
    }
  }
}
