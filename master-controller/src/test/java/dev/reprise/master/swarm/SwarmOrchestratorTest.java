package dev.reprise.master.swarm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reprise.master.orchestrator.Orchestrator;
import dev.reprise.master.orchestrator.OrchestratorException;
import dev.reprise.time.ManualTime;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Swarm adapter of the orchestrator port over the fake engine: what each port call asks the engine. */
class SwarmOrchestratorTest {
  @TempDir Path noIpvs;
  private final FakeSwarmCluster swarm = new FakeSwarmCluster();
  private final ManualTime time = new ManualTime(Instant.parse("2026-11-23T09:00:00Z"));

  private Orchestrator orchestrator() {
    return new SwarmOrchestrator(swarm, time, new IpvsProbe(noIpvs), Map.of());
  }

  private static final String COMPOSE = """
      services:
        web:
          image: reprise/hello:latest
          deploy: {endpoint_mode: dnsrr}
          networks: [back]
          volumes: [data:/data, /scratch]
        db:
          image: reprise/hello:latest
          deploy: {labels: {tier: db}}
      networks:
        back: {labels: {zone: a}}
        shared: {external: true}
        named: {name: fixed-name}
      volumes:
        data:
      """;

  @Test
  void activeSwarmOnAManagerIsUsedAsItIs() {
    var cluster = orchestrator().prepare();
    assertThat(swarm.calls).containsExactly("engine");
    assertThat(cluster).isEqualTo(new Orchestrator.Cluster("box", "node1", "20.10.24", null));
  }

  @Test
  void inactiveSwarmIsInitialisedOnLoopbackAndSaidOnce() {
    swarm.swarmState = "inactive";
    var cluster = orchestrator().prepare();
    assertThat(swarm.calls).containsExactly("engine", "initSwarm 127.0.0.1", "engine");
    assertThat(cluster.prepared()).isEqualTo(
        "swarm mode was inactive: initialised a single-node swarm on this engine (advertise address 127.0.0.1)");
  }

  @Test
  void aFailedInitKeepsTheEnginesReasonWhenTheSwarmIsStillNotActive() {
    swarm.swarmState = "inactive";
    swarm.initSwarmFails = "could not choose an IP address to advertise";
    assertThatThrownBy(() -> orchestrator().prepare())
        .isInstanceOf(OrchestratorException.class)
        .hasMessage("cannot initialise a swarm on this engine (state inactive): cannot init a swarm: "
            + "could not choose an IP address to advertise")
        .cause().hasMessage("cannot init a swarm: could not choose an IP address to advertise");
  }

  @Test
  void aFailedInitIsSaidWhenSomeoneElseActivatedTheSwarmMeanwhile() {
    swarm.swarmState = "inactive";
    swarm.initSwarmFails = "this node is already part of a swarm";
    swarm.swarmStateAfterFailedInit = "active";
    var cluster = orchestrator().prepare();
    assertThat(cluster.prepared()).isEqualTo("swarm mode became active while this master initialised it (its own init "
        + "failed: cannot init a swarm: this node is already part of a swarm); using that swarm");
  }

  @Test
  void aLockedSwarmIsRefusedWithWhatToDo() {
    swarm.swarmState = "locked";
    assertThatThrownBy(() -> orchestrator().prepare()).isInstanceOf(OrchestratorException.class)
        .hasMessageContaining("swarm mode is 'locked' on this engine; fix it (docker swarm leave --force, or unlock it)");
    assertThat(swarm.calls).doesNotContain("initSwarm 127.0.0.1");
  }

  @Test
  void translationContactsNothingAndIsNamedOnceTheRunIdExists() throws Exception {
    var o = orchestrator();
    var translation = o.translate(Path.of("c.yml"), COMPOSE, Map.of("web", 2, "db", 1));
    assertThat(swarm.calls).isEmpty();
    assertThat(translation.stack().images()).containsExactly("reprise/hello:latest");

    var stack = (StackSpec) translation.stack().named("run-1");
    var direct = new ComposeTranslator(Map.of()).translate(Path.of("c.yml"), COMPOSE, "run-1", Map.of("web", 2, "db", 1)).stack();
    assertThat(stack).isEqualTo(direct);
    assertThat(stack.serviceNames()).isEqualTo(Map.of("web", "run-1_web", "db", "run-1_db"));
    assertThat(stack.networks()).extracting(StackSpec.Network::name).containsExactly("run-1_back", "shared", "fixed-name", "run-1_default");
    assertThat(stack.networks().get(0).labels()).isEqualTo(Map.of("zone", "a", StackSpec.NAMESPACE_LABEL, "run-1"));
    assertThat(stack.networks().get(1).labels()).isEmpty();
    var web = stack.service("web").orElseThrow();
    assertThat(web.networks()).extracting(StackSpec.Attachment::network).containsExactly("run-1_back");
    assertThat(web.mounts()).extracting(StackSpec.Mount::source).containsExactly("run-1_data", null);
    assertThat(web.mounts()).extracting(m -> m.volumeLabels().get(StackSpec.NAMESPACE_LABEL)).containsExactly("run-1", "run-1");
    assertThat(web.containerLabels()).containsEntry(StackSpec.NAMESPACE_LABEL, "run-1");
    assertThat(stack.service("db").orElseThrow().serviceLabels())
        .isEqualTo(Map.of(StackSpec.NAMESPACE_LABEL, "run-1", "com.docker.stack.image", "reprise/hello:latest", "tier", "db"));
    assertThat(stack.toString()).doesNotContain(StackSpec.UNNAMED);
    assertThatThrownBy(() -> stack.named("run-2")).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void anUnnamedStackIsNeverDeployed() throws Exception {
    var o = orchestrator();
    var unnamed = o.translate(Path.of("c.yml"), COMPOSE, Map.of("web", 1)).stack();
    assertThatThrownBy(() -> o.deploy(unnamed)).isInstanceOf(IllegalStateException.class).hasMessageContaining("not named");
    assertThat(swarm.calls).isEmpty();
  }

  @Test
  void deployAwaitAndRemoveGoThroughTheEngine() throws Exception {
    var o = orchestrator();
    var stack = o.translate(Path.of("c.yml"), COMPOSE, Map.of("web", 2)).stack().named("run-1");
    o.deploy(stack);
    o.awaitInitialContainers(stack, Duration.ofSeconds(5), () -> false);
    var removal = o.remove("run-1", Duration.ofSeconds(5));
    assertThat(swarm.calls).containsSubsequence("createNetwork run-1_back", "createNetwork fixed-name",
        "createNetwork run-1_default", "createService run-1_web replicas=2", "createService run-1_db replicas=0",
        "removeService run-1_web", "removeService run-1_db");
    assertThat(swarm.calls).doesNotContain("createNetwork shared");
    assertThat(removal.services()).containsExactly("run-1_web", "run-1_db");
    assertThat(removal.problems()).isEmpty();
  }

  @Test
  void vipWithoutIpVsIsAWarningAndDnsrrIsNot() throws Exception {
    var o = orchestrator();
    var stack = o.translate(Path.of("c.yml"), COMPOSE, Map.of("web", 1)).stack().named("run-1");
    assertThat(o.warnings(stack)).singleElement().asString().contains("no IP_VS").contains("services db use endpoint_mode vip");
  }

  @Test
  void anFdslIdIsItsSlotMinusOneAndTheRunningContainerWinsOverADeadOneOfTheSameSlot() throws Exception {
    var o = orchestrator();
    var stack = o.translate(Path.of("c.yml"), COMPOSE, Map.of("web", 2)).stack().named("run-1");
    o.deploy(stack);
    swarm.earlierTasks.put("run-1_web", List.of(new SwarmCluster.Task("t0", "run-1_web", 2, "node1", "complete", "shutdown",
        "finished", null, "dead2", 0, Instant.parse("2026-11-23T08:59:00Z"), null)));

    assertThat(o.locate("run-1", "web", 0)).contains(new Orchestrator.Placement("web", 0, "c1", "box", true));
    assertThat(o.locate("run-1", "web", 1)).contains(new Orchestrator.Placement("web", 1, "c2", "box", true));
    assertThat(o.locate("run-1", "web", 2)).isEmpty();
    assertThat(o.locate("run-1", "db", 0)).isEmpty();
  }

  @Test
  void theNewestContainerOfASlotIsFoundWhenNoneRuns() throws Exception {
    var o = orchestrator();
    o.deploy(o.translate(Path.of("c.yml"), COMPOSE, Map.of()).stack().named("run-1"));
    swarm.earlierTasks.put("run-1_web", List.of(
        new SwarmCluster.Task("t1", "run-1_web", 1, "node1", "complete", "shutdown", "", null, "newer", 0,
            Instant.parse("2026-11-23T09:00:05Z"), null),
        new SwarmCluster.Task("t0", "run-1_web", 1, "node1", "failed", "shutdown", "", null, "older", 137,
            Instant.parse("2026-11-23T09:00:01Z"), null)));
    assertThat(o.locate("run-1", "web", 0)).contains(new Orchestrator.Placement("web", 0, "newer", "box", false));
  }

  @Test
  void scaleSetsTheSwarmServicesReplicaCount() throws Exception {
    var o = orchestrator();
    o.deploy(o.translate(Path.of("c.yml"), COMPOSE, Map.of("web", 1)).stack().named("run-1"));
    o.scale("run-1", "web", 3);
    assertThat(swarm.calls).endsWith("scale run-1_web replicas=3");
    assertThat(swarm.tasks("run-1_web")).hasSize(3);
    assertThatThrownBy(() -> o.scale("run-1", "web", -1)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void salvageReturnsTheContainersOfOneNodeWithTheirStateAndTheLinesTheManagerReadsAndSaysWhatItCouldNotRead() throws Exception {
    var o = orchestrator();
    var stack = o.translate(Path.of("c.yml"), COMPOSE, Map.of("web", 3, "db", 1)).stack().named("run-1");
    o.deploy(stack);
    swarm.slotNodes.put(2, "node2");
    swarm.slotNodes.put(3, "node2");
    Instant t = Instant.parse("2026-11-23T09:00:10Z");
    swarm.taskLogs.put("run-1_web/2", List.of(new Orchestrator.LogLine(t.minusSeconds(60), "stdout", "before the run"),
        new Orchestrator.LogLine(t, "stdout", "hello"), new Orchestrator.LogLine(t.plusMillis(500), "stderr", "oops")));
    swarm.taskLogsFail.add("run-1_web/3");
    // a dead task of slot 2 on node2 (the container a kill ended) and one on another node
    swarm.earlierTasks.put("run-1_web", List.of(
        new SwarmCluster.Task("dead", "run-1_web", 4, "node2", "failed", "shutdown", "", "task: non-zero exit (137)", "c4", 137,
            t.minusSeconds(5), t.plusSeconds(2)),
        new SwarmCluster.Task("elsewhere", "run-1_web", 5, "node1", "failed", "shutdown", "", null, "c5", 1, t, t)));
    swarm.calls.clear();

    var salvage = o.salvage(stack, "node2", t.minusSeconds(1));

    assertThat(salvage.containers()).extracting(Orchestrator.SalvagedContainer::fdslService, Orchestrator.SalvagedContainer::id,
        Orchestrator.SalvagedContainer::containerId, Orchestrator.SalvagedContainer::state, Orchestrator.SalvagedContainer::ended,
        Orchestrator.SalvagedContainer::exitCode).containsExactly(
            org.assertj.core.groups.Tuple.tuple("web", 1, "c2", "running", false, null),
            org.assertj.core.groups.Tuple.tuple("web", 2, "c3", "running", false, null),
            org.assertj.core.groups.Tuple.tuple("web", 3, "c4", "failed", true, 137));
    assertThat(salvage.containers().get(0).logs()).extracting(Orchestrator.LogLine::text).containsExactly("hello", "oops");
    assertThat(salvage.containers().get(2).stateSince()).isEqualTo(t.plusSeconds(2));
    assertThat(salvage.problems()).containsExactly("web.2: cannot read the logs of task run-1_web/3: no such task");
    assertThat(swarm.calls).as("only node2's tasks are read, through the manager")
        .containsExactly("taskLogs run-1_web/2 since " + t.minusSeconds(1), "taskLogs run-1_web/3 since " + t.minusSeconds(1),
            "taskLogs dead since " + t.minusSeconds(1));
  }

  @Test
  void salvageStopsReadingLogsOnceItsBudgetIsSpentAndStillReportsEveryContainer() throws Exception {
    var o = orchestrator();
    var stack = o.translate(Path.of("c.yml"), COMPOSE, Map.of("web", 3)).stack().named("run-1");
    o.deploy(stack);
    swarm.onTaskLogs = id -> time.advance(Duration.ofSeconds(20)); // a node that answers slowly

    var salvage = o.salvage(stack, "node1", null);

    assertThat(salvage.containers()).extracting(Orchestrator.SalvagedContainer::id).containsExactly(0, 1, 2);
    assertThat(swarm.calls).filteredOn(c -> c.startsWith("taskLogs")).containsExactly("taskLogs run-1_web/1", "taskLogs run-1_web/2");
    assertThat(salvage.problems()).containsExactly("web.2: its log was not read: reading the others took the 30 s allowed");
  }
}
