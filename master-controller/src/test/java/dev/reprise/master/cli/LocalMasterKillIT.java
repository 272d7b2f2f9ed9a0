package dev.reprise.master.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reprise.master.agentlink.ChildProcessAgent;
import dev.reprise.master.swarm.StackDeployer;
import dev.reprise.master.swarm.DockerSwarmCluster;
import dev.reprise.master.testbed.LocalProcesses;
import dev.reprise.master.testbed.Testbed;
import dev.reprise.time.SystemTime;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dead-man switch on the local engine: a real {@code master run} JVM (the shaded master jar,
 * started as a child process; its agent is a child process of it, {@link ChildProcessAgent}) runs a
 * 60 s CPU fault on 3 containers and is killed with SIGKILL while they burn. Within
 * {@link #DEAD_MAN_BOUND} no burner of the run is left on this machine and the agent has stopped,
 * having recorded the cpu action and its heal in the run folder; the stack the dead master left
 * behind can be removed. With the agent inside the master's JVM the burners burnt on past their
 * duration.
 */
class LocalMasterKillIT {
  static final String NAME = "lkill";
  /**
   * The agent sees EOF on its stdin the moment the kernel closes the dead master's pipe, and heals;
   * the 5 s dead-man switch is the fallback. The bound is that plus a loaded 2-core machine's slack
   * (as in MasterKillIT), not a latency claim.
   */
  static final Duration DEAD_MAN_BOUND = Duration.ofSeconds(20);

  static final String COMPOSE = """
      services:
        hello:
          image: reprise/hello:latest
          environment:
            HELLO_INTERVAL: "0.5"
          deploy:
            replicas: 3
            endpoint_mode: dnsrr
      """;

  /** All 3 containers burning one core for 60 s from second 1 of a 90 s run. */
  static final String SCENARIO = """
      environment:
        seed: 5
      events:
        - beginning:
            hello: 3
        - moment:
            time: 1
            services:
              hello:
                - fault: {target: {specific: [0, 1, 2]}, cpu: {duration: 60, cores: 1}}
        - end: 90
      """;

  @TempDir static Path tmp;
  static DockerSwarmCluster docker;
  static Process master;
  static final StringBuffer masterOut = new StringBuffer();
  static final StringBuffer masterErr = new StringBuffer();

  @BeforeAll
  static void engine() {
    docker = DockerSwarmCluster.connect();
    assertThat(docker.hasImage("reprise/hello:latest"))
        .as("reprise/hello:latest must be built first: images/hello/build.sh (scripts/build-images.sh)").isTrue();
  }

  @AfterAll
  static void cleanUp() throws Exception {
    try {
      if (master != null && master.isAlive()) {
        master.destroyForcibly();
        master.waitFor(10, TimeUnit.SECONDS);
      }
      for (String runId : runIds()) {
        var removal = new StackDeployer(docker, SystemTime.INSTANCE).remove(runId, Duration.ofSeconds(60));
        removal.problems().forEach(p -> System.err.println("LocalMasterKillIT cleanup: " + p));
        LocalProcesses.killBurnersOf(runId, "LocalMasterKillIT");
      }
    } finally {
      docker.close();
    }
  }

  @Test
  void sigkillOfTheMasterDuringACpuFaultHealsWithinTheBoundAndTheStackCanBeRemoved() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("scenario"));
    Files.writeString(dir.resolve("docker-compose.yml"), COMPOSE);
    Files.writeString(dir.resolve("scenario.yaml"), SCENARIO);
    // a copy, as bin/master runs a copy: a rebuild during the test must not rewrite the running jar
    Path masterJar = Files.copy(Testbed.REPO.resolve("master-controller/target/master-all.jar"), tmp.resolve("master.jar"));
    Path runs = tmp.resolve("runs");

    String java = ProcessHandle.current().info().command().orElse("java");
    master = new ProcessBuilder(java, "-jar", masterJar.toString(), "run", dir.resolve("scenario.yaml").toString(),
        "--out", runs.toString(), "--name", NAME, "--no-export").start();
    LocalProcesses.drain(master.getInputStream(), masterOut, "master-stdout");
    LocalProcesses.drain(master.getErrorStream(), masterErr, "master-stderr");
    assertThat(ProcessHandle.of(master.pid()).flatMap(h -> h.info().command()).orElse(""))
        .as("the process to kill is the master's JVM itself, not a wrapper").endsWith("/java");

    // wait until the CPU fault burns in all 3 containers
    String runId = null;
    List<String> burners = List.of();
    long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
    while (System.nanoTime() < deadline && master.isAlive()) {
      if (runId == null && !runIds().isEmpty()) runId = runIds().get(0);
      if (runId != null && (burners = LocalProcesses.burnersOf(runId)).size() >= 3) break;
      Thread.sleep(500);
    }
    assertThat(master.isAlive()).as("the master is still running; it said:\n" + said()).isTrue();
    assertThat(runId).as("the master created its run folder under " + runs + "; it said:\n" + said()).isNotNull();
    assertThat(burners).as("a burner in each of the 3 containers before the kill; the master said:\n" + said()).hasSize(3);
    Optional<ProcessHandle> agent = ProcessHandle.of(master.pid()).stream().flatMap(ProcessHandle::children)
        .filter(c -> c.info().arguments().map(a -> List.of(a).contains(ChildProcessAgent.MAIN_CLASS)).orElse(false)).findFirst();
    assertThat(agent).as("the agent runs as a child process of the master").isPresent();

    master.destroyForcibly(); // SIGKILL: no shutdown hook, no heal, no goodbye to the agent
    long killed = System.nanoTime();
    assertThat(master.waitFor(10, TimeUnit.SECONDS)).as("the master died").isTrue();
    assertThat(master.exitValue()).as("killed by SIGKILL (128 + 9)").isEqualTo(137);

    while (!LocalProcesses.burnersOf(runId).isEmpty() && System.nanoTime() - killed < DEAD_MAN_BOUND.toNanos()) Thread.sleep(200);
    long tookMs = (System.nanoTime() - killed) / 1_000_000;
    assertThat(LocalProcesses.burnersOf(runId)).as("burners of " + runId + " still there " + tookMs + " ms after the master was killed")
        .isEmpty();
    System.out.println("LocalMasterKillIT: every burner gone " + tookMs + " ms after SIGKILL of the master");

    // the agent stopped, keeping its records in the run folder: the cpu action and its heal for each container
    var agentProcess = agent.get();
    Path timeline = runs.resolve(runId).resolve("timeline.jsonl");
    List<String> cpu = List.of();
    for (long until = System.nanoTime() + DEAD_MAN_BOUND.toNanos(); System.nanoTime() < until; Thread.sleep(250)) {
      cpu = Files.exists(timeline) ? Files.readAllLines(timeline).stream().filter(l -> l.contains("\"fault\":\"cpu\"")).toList() : List.of();
      if (!agentProcess.isAlive() && cpu.stream().filter(l -> l.contains("\"kind\":\"heal\"")).count() >= 3) break;
    }
    assertThat(agentProcess.isAlive()).as("the agent stopped after its master died").isFalse();
    assertThat(cpu).as(timeline + " holds the cpu fault's action and a heal per container")
        .anyMatch(l -> l.contains("\"kind\":\"action\"") && l.contains("\"outcome\":\"ok\""));
    assertThat(cpu.stream().filter(l -> l.contains("\"kind\":\"heal\"")).count()).as("heals in " + cpu).isEqualTo(3);

    // and the stack the dead master left behind can be removed
    var removal = new StackDeployer(docker, SystemTime.INSTANCE).remove(runId, Duration.ofSeconds(60));
    assertThat(removal.problems()).isEmpty();
    assertThat(docker.stackServices(runId)).as("services of " + runId).isEmpty();
    assertThat(docker.stackNetworks(runId)).as("networks of " + runId).isEmpty();
    assertThat(docker.stackContainers(runId)).as("containers of " + runId).isZero();
  }

  /** The run folders the master created (their names are the run IDs and the stacks' names). */
  static List<String> runIds() throws IOException {
    Path runs = tmp.resolve("runs");
    if (!Files.isDirectory(runs)) return List.of();
    try (var s = Files.list(runs)) {
      return s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(NAME + "-")).sorted().toList();
    }
  }

  static String said() {
    return "stdout:\n" + masterOut + "stderr:\n" + masterErr;
  }
}
