package dev.reprise.master.swarm;

import dev.reprise.fdsl.ScenarioException;
import dev.reprise.master.orchestrator.DeployException;
import dev.reprise.master.orchestrator.Orchestrator;
import dev.reprise.master.orchestrator.OrchestratorException;
import dev.reprise.time.Time;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * The {@link Orchestrator} port on Docker Swarm, over the manager's engine ({@link SwarmCluster}):
 * swarm mode made active ({@link #prepare}), compose translated by {@link ComposeTranslator}, stacks
 * deployed, awaited and removed by {@link StackDeployer}, the IP_VS check of {@link IpvsProbe}, and
 * FDSL IDs resolved through swarm task slots (FDSL ID = slot − 1: with restart condition none swarm
 * never reuses a dead task's slot and gives a scale-up the next ones, pinned by the agent's
 * {@code AgentIT}). Called from the run coordinator's thread; {@link #translate} from any thread.
 */
public final class SwarmOrchestrator implements Orchestrator {
  /** The address a single-node swarm advertises: the master's own engine, reached on loopback. */
  static final String LOCAL_ADVERTISE_ADDRESS = "127.0.0.1";

  private final SwarmCluster engine;
  private final Time time;
  private final ComposeTranslator translator;
  private final StackDeployer deployer;
  private final IpvsProbe ipvs;

  /**
   * @param engine the swarm manager's engine (the local one, or a remote manager's through an SSH relay)
   * @param ipvs judges the manager's kernel
   * @param environment what compose's {@code ${VAR}} resolve from (usually {@code System.getenv()})
   */
  public SwarmOrchestrator(SwarmCluster engine, Time time, IpvsProbe ipvs, Map<String, String> environment) {
    this(engine, time, new StackDeployer(engine, time), ipvs, environment);
  }

  SwarmOrchestrator(SwarmCluster engine, Time time, StackDeployer deployer, IpvsProbe ipvs, Map<String, String> environment) {
    this.engine = engine;
    this.time = time;
    this.translator = new ComposeTranslator(environment);
    this.deployer = deployer;
    this.ipvs = ipvs;
  }

  /**
   * A translator that contacts nothing, for {@code master validate} and callers without an engine:
   * the same rules a run applies.
   */
  public static ComposeTranslator translator(Map<String, String> environment) {
    return new ComposeTranslator(environment);
  }

  /**
   * Swarm mode active on a manager; a single-node swarm (advertising {@value #LOCAL_ADVERTISE_ADDRESS})
   * when it is inactive. When the init fails and the swarm is still not active afterwards, the
   * exception carries the engine's reason for the failed init; when it failed because someone else
   * initialised the swarm meanwhile, the swarm is used and {@link Cluster#prepared} says so.
   */
  @Override
  public List<dev.reprise.fdsl.record.RunManifest.ImageFact> imageFacts(List<String> images) {
    return images.stream().map(image -> {
      var info = engine.imageInfo(image);
      return new dev.reprise.fdsl.record.RunManifest.ImageFact(image, info.map(SwarmCluster.ImageInfo::id).orElse(null),
          info.flatMap(i -> i.repoDigests().stream().findFirst()).orElse(null));
    }).toList();
  }

  @Override
  public Cluster prepare() {
    var e = engine.engine();
    if (e.swarmActive()) {
      if (!e.manager()) throw new OrchestratorException("this engine is a swarm worker; run the master on a manager node");
      return cluster(e, null);
    }
    if (!"inactive".equals(e.swarmState())) {
      throw new OrchestratorException("swarm mode is '" + e.swarmState() + "' on this engine; fix it (docker swarm leave --force, "
          + "or unlock it) and retry");
    }
    OrchestratorException initFailure = null;
    try {
      engine.initSwarm(LOCAL_ADVERTISE_ADDRESS);
    } catch (OrchestratorException ex) {
      initFailure = ex; // someone else may have initialised it meanwhile: the state below decides
    }
    e = engine.engine();
    if (!e.swarmActive()) {
      throw new OrchestratorException("cannot initialise a swarm on this engine (state " + e.swarmState() + ")"
          + (initFailure == null ? "" : ": " + initFailure.getMessage()), initFailure);
    }
    if (initFailure != null) {
      return cluster(e, "swarm mode became active while this master initialised it (its own init failed: "
          + initFailure.getMessage() + "); using that swarm");
    }
    return cluster(e, "swarm mode was inactive: initialised a single-node swarm on this engine (advertise address "
        + LOCAL_ADVERTISE_ADDRESS + ")");
  }

  private static Cluster cluster(SwarmCluster.Engine e, String prepared) {
    return new Cluster(e.hostname(), e.nodeId(), e.version(), prepared);
  }

  @Override
  public Translation translate(Path composeFile, String composeText, Map<String, Integer> replicas) throws ScenarioException {
    return translator.translate(composeFile, composeText, replicas);
  }

  @Override
  public Translation translate(Path composeFile, String composeText, Map<String, Integer> replicas,
      boolean keepRestartPolicies) throws ScenarioException {
    return translator.translate(composeFile, composeText, replicas, keepRestartPolicies);
  }

  @Override
  public List<String> warnings(Stack stack) {
    return ipvs.warning(spec(stack)).stream().toList();
  }

  @Override
  public void deploy(Stack stack) throws DeployException {
    deployer.deploy(spec(stack));
  }

  @Override
  public void awaitInitialContainers(Stack stack, Duration timeout, BooleanSupplier cancelled)
      throws DeployException, InterruptedException {
    deployer.awaitRunning(spec(stack), timeout, cancelled);
  }

  @Override
  public Optional<Placement> locate(String stack, String fdslService, int id) {
    int slot = id + 1;
    return engine.tasks(swarmService(stack, fdslService)).stream()
        .filter(t -> t.slot() == slot && t.containerId() != null)
        .max(Comparator.comparing((SwarmCluster.Task t) -> "running".equals(t.state()))
            .thenComparing(t -> t.created() == null ? Instant.EPOCH : t.created()))
        .map(t -> new Placement(fdslService, id, t.containerId(), t.nodeId() == null ? null : engine.nodeName(t.nodeId()),
            "running".equals(t.state())));
  }

  @Override
  public void scale(String stack, String fdslService, int replicas) {
    if (replicas < 0) throw new IllegalArgumentException("replicas must be >= 0, not " + replicas);
    engine.scale(swarmService(stack, fdslService), replicas);
  }

  /** Task states after which its container no longer runs. */
  private static final java.util.Set<String> FINAL_STATES = java.util.Set.of("complete", "failed", "shutdown", "rejected");

  /**
   * How long {@link #salvage} spends reading logs in all (each read waits for a node that does not
   * answer): the stack's removal waits for it, and so may a user's Ctrl-C.
   */
  static final Duration SALVAGE_LOGS_BUDGET = Duration.ofSeconds(30);

  /**
   * Every task of the stack's services on {@code node} (its node ID, or the node's host name) that had a
   * container, with its task's state and its container's lines read through the manager ({@link
   * SwarmCluster#taskLogs}). A service whose tasks cannot be listed, or a task whose logs cannot be
   * read, is a problem line; the others are still returned. Logs are read for at most
   * {@link #SALVAGE_LOGS_BUDGET} in all; the containers after that come without them (a problem line each).
   */
  @Override
  public Salvage salvage(Stack stack, String node, Instant since) {
    var spec = spec(stack);
    var containers = new java.util.ArrayList<SalvagedContainer>();
    var problems = new java.util.ArrayList<String>();
    var names = new java.util.HashMap<String, String>();
    long logsDeadline = time.nanoTime() + SALVAGE_LOGS_BUDGET.toNanos();
    for (var e : spec.serviceNames().entrySet()) {
      List<SwarmCluster.Task> tasks;
      try {
        tasks = engine.tasks(e.getValue());
      } catch (OrchestratorException x) {
        problems.add("service " + e.getKey() + ": " + x.getMessage());
        continue;
      }
      for (var t : tasks.stream().sorted(Comparator.comparingInt(SwarmCluster.Task::slot)).toList()) {
        if (t.containerId() == null || t.nodeId() == null) continue; // never ran a container: nothing to salvage
        if (!node.equals(t.nodeId()) && !node.equals(names.computeIfAbsent(t.nodeId(), engine::nodeName))) continue;
        int id = t.slot() - 1;
        List<LogLine> logs = List.of();
        if (time.nanoTime() >= logsDeadline) {
          problems.add(e.getKey() + "." + id + ": its log was not read: reading the others took the " + SALVAGE_LOGS_BUDGET.toSeconds()
              + " s allowed");
        } else {
          try {
            var read = engine.taskLogs(t.id(), since);
            logs = read.lines();
            if (read.incomplete() != null) problems.add(e.getKey() + "." + id + ": its log may be incomplete: " + read.incomplete());
          } catch (OrchestratorException x) {
            problems.add(e.getKey() + "." + id + ": " + x.getMessage());
          }
        }
        containers.add(new SalvagedContainer(e.getKey(), id, t.containerId(), t.state(), t.stateSince(),
            FINAL_STATES.contains(t.state()), t.exitCode(), t.err(), t.created(), logs));
      }
    }
    return new Salvage(containers, problems);
  }

  @Override
  public Removal remove(String stack, Duration timeout) {
    return deployer.remove(stack, timeout);
  }

  /** How {@link ComposeTranslator} names a service of a stack. */
  static String swarmService(String stack, String fdslService) {
    return stack + "_" + fdslService;
  }

  private static StackSpec spec(Stack stack) {
    if (stack instanceof StackSpec s) {
      if (StackSpec.UNNAMED.equals(s.name())) throw new IllegalStateException("the stack is not named yet; call named(runId)");
      return s;
    }
    throw new IllegalArgumentException("not a stack of this orchestrator: " + stack.getClass().getName());
  }
}
