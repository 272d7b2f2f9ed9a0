package dev.reprise.master.experiments;

import dev.reprise.fdsl.record.RunManifest;
import dev.reprise.master.orchestrator.DeployException;
import dev.reprise.master.orchestrator.Orchestrator;
import dev.reprise.master.orchestrator.OrchestratorException;
import dev.reprise.master.swarm.SwarmCluster;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * The {@link Orchestrator} port for a run that attaches to a stack already running on the swarm
 * (an ad-hoc experiment's): {@link #translate} is the stack's live services (FDSL service = the
 * name within the stack, mapped to its Swarm name {@code stack_service} for the agents),
 * {@link #deploy} and {@link #remove} do nothing — the user's stack is never created, scaled or
 * removed — and {@link #awaitInitialContainers} checks that the targets still run. FDSL IDs are
 * Swarm slots − 1, as on {@code SwarmOrchestrator}. Called from the run's coordinator thread.
 */
public final class AttachedStackOrchestrator implements Orchestrator {
  private final SwarmCluster engine;
  private final AttachedStack stack;

  /**
   * @param engine the swarm manager's engine
   * @param services every service of the stack as it runs now
   */
  public AttachedStackOrchestrator(SwarmCluster engine, List<LiveStacks.LiveService> services) {
    this.engine = engine;
    this.stack = new AttachedStack(services);
  }

  /** The stack as a run sees it: named after the user's stack, whatever the run's ID. */
  public Stack stack() {
    return stack;
  }

  @Override
  public Cluster prepare() {
    var e = engine.engine();
    if (!e.swarmActive()) throw new OrchestratorException("swarm mode is '" + e.swarmState() + "' on this engine: no stack runs here");
    if (!e.manager()) throw new OrchestratorException("this engine is a swarm worker; attach through a manager node");
    return new Cluster(e.hostname(), e.nodeId(), e.version(), null);
  }

  @Override
  public Translation translate(Path composeFile, String composeText, Map<String, Integer> replicas) {
    return new Translation(stack, List.of());
  }

  @Override
  public List<RunManifest.ImageFact> imageFacts(List<String> images) {
    return images.stream().map(image -> {
      var info = engine.imageInfo(image);
      return new RunManifest.ImageFact(image, info.map(SwarmCluster.ImageInfo::id).orElse(null),
          info.flatMap(i -> i.repoDigests().stream().findFirst()).orElse(null));
    }).toList();
  }

  @Override
  public List<String> warnings(Stack stack) {
    return List.of();
  }

  /** Nothing: the stack runs already (deployed by someone else). */
  @Override
  public void deploy(Stack stack) {}

  /** Checks that every service of the stack still runs at least one container (no waiting: it runs already). */
  @Override
  public void awaitInitialContainers(Stack s, Duration timeout, BooleanSupplier cancelled) throws DeployException {
    var problems = new ArrayList<String>();
    for (var svc : stack.services) {
      if (svc.running().isEmpty()) continue;
      long running;
      try {
        running = engine.tasks(svc.name()).stream().filter(t -> "running".equals(t.state())).count();
      } catch (OrchestratorException e) {
        problems.add(svc.name() + ": " + e.getMessage());
        continue;
      }
      if (running == 0) problems.add(svc.name() + ": no container runs any more");
    }
    if (!problems.isEmpty()) throw new DeployException("the stack " + stack.name() + " changed: " + String.join("; ", problems));
  }

  @Override
  public Optional<Placement> locate(String ignoredRunStack, String fdslService, int id) {
    String swarm = stack.serviceNames().get(fdslService);
    if (swarm == null) return Optional.empty();
    int slot = id + 1;
    return engine.tasks(swarm).stream()
        .filter(t -> t.slot() == slot && t.containerId() != null)
        .max(Comparator.comparing((SwarmCluster.Task t) -> "running".equals(t.state()))
            .thenComparing(t -> t.created() == null ? Instant.EPOCH : t.created()))
        .map(t -> new Placement(fdslService, id, t.containerId(), t.nodeId() == null ? null : engine.nodeName(t.nodeId()),
            "running".equals(t.state())));
  }

  /** Refused: an experiment never changes the user's stack. */
  @Override
  public void scale(String ignoredRunStack, String fdslService, int replicas) {
    throw new OrchestratorException("an ad-hoc experiment does not scale " + fdslService + " of stack " + stack.name());
  }

  @Override
  public Salvage salvage(Stack s, String node, Instant since) {
    return new Salvage(List.of(), List.of("the stack " + stack.name() + " keeps running: read its logs with docker service logs"));
  }

  /** Nothing: the user's stack stays. */
  @Override
  public Removal remove(String runId, Duration timeout) {
    return new Removal(List.of(), List.of(), List.of());
  }

  /** The user's stack as it runs. */
  static final class AttachedStack implements Stack {
    final List<LiveStacks.LiveService> services;
    final String name;

    AttachedStack(List<LiveStacks.LiveService> services) {
      this.services = List.copyOf(services);
      this.name = services.isEmpty() ? "" : services.get(0).stack();
    }

    @Override
    public String name() {
      return name;
    }

    /** Itself: the run's ID names its folder, not the user's stack. */
    @Override
    public Stack named(String runId) {
      return this;
    }

    @Override
    public Map<String, String> serviceNames() {
      var m = new LinkedHashMap<String, String>();
      for (var s : services) m.put(s.shortName(), s.name());
      return m;
    }

    @Override
    public List<String> images() {
      return services.stream().map(LiveStacks.LiveService::image).filter(i -> i != null).distinct().toList();
    }

    @Override
    public int maxNameLength() {
      return 40;
    }

    @Override
    public List<RunManifest.ServiceSpec> describeServices() {
      return services.stream().map(s -> new RunManifest.ServiceSpec(s.shortName(), s.image(), List.of(), List.of(), Map.of(),
          s.running().size(), List.of(), null, null, null, List.of())).toList();
    }
  }
}
