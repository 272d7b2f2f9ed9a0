package dev.reprise.master.remote;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reprise.master.cli.CollectCommand;
import dev.reprise.master.cluster.ClusterManager;
import dev.reprise.master.hosts.HostsFile;
import dev.reprise.master.hosts.HostsFileParser;
import dev.reprise.master.ssh.RemoteHost;
import dev.reprise.master.ssh.Shell;
import dev.reprise.master.testbed.LocalProcesses;
import dev.reprise.master.testbed.MasterJvm;
import dev.reprise.master.testbed.Testbed;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dead-man switch for real: a {@code master run --hosts} JVM (the shaded master jar, started as
 * a child process) runs a CPU fault on one container per host of a 3-host testbed and is killed
 * with SIGKILL while every host burns. Within 20 s (DEAD_MAN_BOUND) no burner is left on any host and the agents have
 * stopped; each agent kept its records (the cpu action and its heal) on its host's disk;
 * {@code master collect} fetches and merges them; and the stack the dead master left behind can be
 * removed. The test talks to the master only as a process, and to the hosts over SSH.
 */
class MasterKillIT {
  static final String NAME = "mkill";
  /**
   * The agents see EOF when sshd drops the master's connections (at once on a quiet machine) and
   * heal; 5 s of silence is the fallback. On a loaded 2-core box with 4 engines this took 5.7 s once:
   * the bound is the fallback plus a loaded machine's slack, not a latency claim.
   */
  static final Duration DEAD_MAN_BOUND = Duration.ofSeconds(20);

  @TempDir static Path tmp;
  static Path hostsPath;
  static HostsFile hosts;
  static Map<String, RemoteHost> connected = Map.of();
  static MasterJvm jvm;

  /** One hello container per host (RemoteRunIT's compose file). */
  static final String COMPOSE = RemoteRunIT.COMPOSE;

  /** One container per host, all burning one core for 60 s from second 1 of a 90 s run. */
  static final String SCENARIO = MasterJvm.CPU_ON_THREE;

  @BeforeAll
  static void up() throws Exception {
    hostsPath = Testbed.up(3);
    hosts = new HostsFileParser().parse(hostsPath);
    connected = Testbed.connectAll(hosts);
  }

  @AfterAll
  static void down() throws Exception {
    try {
      MasterJvm.cleanUp(jvm, tmp.resolve("runs"), NAME, MasterKillIT::removeStack, "MasterKillIT");
    } finally {
      Testbed.down(connected.values());
    }
  }

  @Test
  void sigkillOfTheMasterDuringACpuFaultHealsEveryHostWithin5sAndTheStackCanBeRemoved() throws Exception {
    Path scenario = MasterJvm.writeScenario(tmp.resolve("scenario"), COMPOSE, SCENARIO);
    // a copy, as bin/master runs a copy: a rebuild during the test must not rewrite the running jar
    Path agentJar = Files.copy(Testbed.REPO.resolve("local-controller/target/agent-all.jar"), tmp.resolve("agent-all.jar"));
    jvm = MasterJvm.start(tmp, NAME, scenario, "--hosts", hostsPath.toString(), "--accept-new-host-keys",
        "--agent-jar", agentJar.toString());
    Path runs = jvm.runs();
    Process master = jvm.process();
    assertThat(ProcessHandle.of(master.pid()).flatMap(h -> h.info().command()).orElse(""))
        .as("the process to kill is the master's JVM itself, not a wrapper").endsWith("/java");

    // wait until the CPU fault burns on every host
    String runId = null;
    Map<String, List<String>> burners = Map.of();
    long deadline = System.nanoTime() + Duration.ofMinutes(4).toNanos();
    while (System.nanoTime() < deadline && master.isAlive()) {
      if (runId == null && !runIds().isEmpty()) runId = runIds().get(0);
      if (runId != null && (burners = burners(runId)).values().stream().allMatch(l -> !l.isEmpty())) break;
      Thread.sleep(500);
    }
    assertThat(master.isAlive()).as("the master is still running; it said:\n" + said()).isTrue();
    assertThat(runId).as("the master created its run folder under " + runs + "; it said:\n" + said()).isNotNull();
    assertThat(burners).as("burners on every host before the kill; the master said:\n" + said())
        .hasSize(3).allSatisfy((host, found) -> assertThat(found).as(host).isNotEmpty());

    master.destroyForcibly(); // SIGKILL: no shutdown hook, no heal, no goodbye to the agents
    long killed = System.nanoTime();
    assertThat(master.waitFor(10, TimeUnit.SECONDS)).as("the master died").isTrue();
    assertThat(master.exitValue()).as("killed by SIGKILL (128 + 9)").isEqualTo(137);

    // every burner gone within DEAD_MAN_BOUND, on every host (and, as the hosts share this machine, nowhere on it)
    List<String> anywhere;
    while (true) {
      burners = burners(runId);
      anywhere = LocalProcesses.burnersOf(runId);
      boolean gone = burners.values().stream().allMatch(List::isEmpty) && anywhere.isEmpty();
      if (gone || System.nanoTime() - killed >= DEAD_MAN_BOUND.toNanos()) break;
      Thread.sleep(200);
    }
    long tookMs = (System.nanoTime() - killed) / 1_000_000;
    assertThat(burners).as("burners still there " + tookMs + " ms after the master was killed")
        .allSatisfy((host, found) -> assertThat(found).as(host).isEmpty());
    assertThat(anywhere).as("processes marked as burners of " + runId + " " + tookMs + " ms after the master was killed").isEmpty();
    System.out.println("MasterKillIT: every burner gone " + tookMs + " ms after SIGKILL of the master");

    // each agent stopped, keeping its records: the cpu action and its heal
    for (var h : connected.values()) {
      // the agent's command line names <work_dir>/agent/agent-all.jar; "[a]gent" so pgrep's own shell does not match
      String agent = h.spec().workDir() + "/[a]" + ClusterManager.AGENT_JAR.substring(1);
      String records = SshAgent.recordsDir(h.spec(), runId) + "/timeline.jsonl";
      String alive = "";
      String timeline = "";
      for (long until = System.nanoTime() + Duration.ofSeconds(20).toNanos(); System.nanoTime() < until; Thread.sleep(250)) {
        alive = h.exec("pgrep -af -- " + Shell.quote(agent) + " || true", Duration.ofSeconds(10)).stdout().strip();
        timeline = h.exec("cat " + Shell.quote(records) + " 2>/dev/null || true", Duration.ofSeconds(10)).stdout();
        if (alive.isEmpty() && timeline.contains("\"kind\":\"heal\"")) break;
      }
      assertThat(alive).as(h.spec().name() + ": the agent stopped after its master died").isEmpty();
      assertThat(timeline.lines().filter(l -> l.contains("\"fault\":\"cpu\"")).toList())
          .as(h.spec().name() + ": " + records + " holds the cpu fault's action and heal")
          .anyMatch(l -> l.contains("\"kind\":\"action\"") && l.contains("\"outcome\":\"ok\""))
          .anyMatch(l -> l.contains("\"kind\":\"heal\""));
    }

    // master collect fetches them later
    Path runDir = runs.resolve(runId);
    var collect = Testbed.cli(new CollectCommand(), runDir.toString(), "--hosts", hostsPath.toString());
    assertThat(collect.exit()).as(collect.out() + "\n" + collect.err()).isZero();
    var merged = Files.readAllLines(runDir.resolve("timeline.jsonl"));
    for (var h : hosts.hosts()) {
      assertThat(merged.stream().filter(l -> l.contains("\"host\":\"" + h.name() + "\"") && l.contains("\"fault\":\"cpu\"")).toList())
          .as("the merged timeline holds " + h.name() + "'s cpu action and heal")
          .anyMatch(l -> l.contains("\"kind\":\"action\""))
          .anyMatch(l -> l.contains("\"kind\":\"heal\""));
    }

    // and the stack the dead master left behind can be removed
    removeStack(runId);
  }

  static List<String> runIds() throws IOException {
    return jvm.runIds();
  }

  /**
   * Per host, the burners of the run's containers on that host: burners carry
   * {@code reprise-burner/<run>/<node>/<seq>/<container id prefix>} in their command line and the
   * testbed's hosts share one process table, so the host's own container IDs tell the hosts apart (as
   * in {@link RemoteRunIT}). The marker is matched here, not in a shell on the host, so the probe's
   * own command line never looks like a burner.
   */
  static Map<String, List<String>> burners(String runId) throws IOException {
    var found = new LinkedHashMap<String, List<String>>();
    for (var h : connected.values()) {
      var r = h.exec("docker ps -q --filter label=com.docker.stack.namespace=" + runId + " || exit 9; echo ---; ps -eo pid,args",
          Duration.ofSeconds(20));
      // a timeout (-1) or a failing docker must not read as "no burners"
      if (r.exitCode() != 0 || !r.stdout().contains("---\n")) {
        throw new IOException(h.spec().name() + ": cannot look for burners: " + r.summary());
      }
      String[] parts = r.stdout().split("---\n", 2);
      var containers = parts[0].lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
      String marker = "reprise-burner/" + runId + "/";
      found.put(h.spec().name(), parts[1].lines().map(String::strip)
          .filter(l -> l.contains(marker) && containers.stream().anyMatch(c -> l.contains("/" + c))).toList());
    }
    return found;
  }

  /** {@code docker stack rm} on the manager, then waits until no container, service or network of the stack is left. */
  static void removeStack(String stack) throws Exception {
    var manager = connected.get(hosts.manager().name());
    var rm = manager.exec("docker stack rm " + stack, Duration.ofSeconds(60));
    assertThat(rm.exitCode()).as("docker stack rm " + stack + ": " + rm.summary()).isZero();
    String filter = "--filter label=com.docker.stack.namespace=" + stack;
    var left = new ArrayList<String>();
    for (long until = System.nanoTime() + Duration.ofSeconds(60).toNanos(); System.nanoTime() < until; Thread.sleep(500)) {
      left.clear();
      for (var h : connected.values()) {
        String ps = h.exec("docker ps -aq " + filter, Duration.ofSeconds(10)).stdout().strip();
        if (!ps.isEmpty()) left.add(h.spec().name() + " containers " + ps.replace('\n', ' '));
      }
      String services = manager.exec("docker service ls -q " + filter, Duration.ofSeconds(10)).stdout().strip();
      if (!services.isEmpty()) left.add("services " + services.replace('\n', ' '));
      String networks = manager.exec("docker network ls -q " + filter, Duration.ofSeconds(10)).stdout().strip();
      if (!networks.isEmpty()) left.add("networks " + networks.replace('\n', ' '));
      if (left.isEmpty()) return;
    }
    throw new AssertionError("stack " + stack + " not removed within 60 s: " + left);
  }

  static String said() {
    return jvm.said();
  }

}
