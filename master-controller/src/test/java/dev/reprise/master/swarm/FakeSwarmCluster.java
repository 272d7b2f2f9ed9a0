package dev.reprise.master.swarm;

import dev.reprise.master.orchestrator.Orchestrator;
import dev.reprise.master.orchestrator.OrchestratorException;
import dev.reprise.master.orchestrator.OrchestratorUnreachableException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.HashSet;

/**
 * A swarm in memory: services get their replica count of running tasks at once unless their image
 * is missing (tasks rejected, like a node without the image and no registry) or they are told to
 * fail. Records every call as a readable string in {@link #calls}.
 */
public final class FakeSwarmCluster implements SwarmCluster {
  public final List<String> calls = new ArrayList<>();
  public String swarmState = "active";
  public boolean unreachable;
  public final Set<String> images = new HashSet<>(Set.of("reprise/hello:latest"));
  /** service name → exit code of its first task (it ends right after starting), with this log tail. */
  public final Map<String, Integer> exitAtStart = new HashMap<>();
  public List<String> logTail = List.of("line 1", "boom");
  public boolean oomKilled;
  /** how many removeNetwork calls fail with "in use" before succeeding. */
  public int networkBusy;
  /** how many more times a network removed without error is still listed (the engine's lag after a remove). */
  public int networkListedAfterRemove;
  private final Map<String, Integer> removedButListed = new HashMap<>();
  public final Map<String, StackSpec.Service> services = new LinkedHashMap<>();
  public final Map<String, StackSpec.Network> networks = new LinkedHashMap<>();
  /** When set, initSwarm fails with this engine reason (and leaves the swarm as {@link #swarmStateAfterFailedInit} says). */
  public String initSwarmFails;
  public String swarmStateAfterFailedInit = "inactive";
  /** service name → tasks reported before the running ones (e.g. a dead task of a slot). */
  public final Map<String, List<Task>> earlierTasks = new HashMap<>();
  /** slot → the node ID its running task is on (default {@code node1}), for every service. */
  public final Map<Integer, String> slotNodes = new HashMap<>();
  /** task ID ({@code <service>/<slot>} for the tasks this fake makes) → the lines {@link #taskLogs} returns; none without an entry. */
  public final Map<String, List<Orchestrator.LogLine>> taskLogs = new HashMap<>();
  /** Called with the task ID on every {@link #taskLogs} (e.g. to let a manual clock run). */
  public java.util.function.Consumer<String> onTaskLogs = id -> {};
  /** task IDs whose {@link #taskLogs} the engine refuses. */
  public final Set<String> taskLogsFail = new HashSet<>();
  /** When the fake's tasks were created. */
  public Instant created = Instant.parse("2026-11-23T09:00:00Z");

  @Override
  public Engine engine() {
    calls.add("engine");
    if (unreachable) throw new OrchestratorUnreachableException("no Docker engine answers at unix:///var/run/docker.sock; start one with scripts/setup-docker.sh, or start dockerd", null);
    return new Engine("20.10.24", swarmState, "active".equals(swarmState) ? "node1" : null, "box", "active".equals(swarmState));
  }

  @Override
  public void initSwarm(String advertiseAddr) {
    calls.add("initSwarm " + advertiseAddr);
    if (initSwarmFails != null) {
      swarmState = swarmStateAfterFailedInit;
      throw new OrchestratorException("cannot init a swarm: " + initSwarmFails);
    }
    swarmState = "active";
  }

  @Override
  public void createNetwork(StackSpec.Network network) {
    calls.add("createNetwork " + network.name());
    networks.put(network.name(), network);
  }

  @Override
  public void createService(StackSpec.Service service) {
    calls.add("createService " + service.name() + " replicas=" + service.replicas());
    services.put(service.name(), service);
  }

  @Override
  public void scale(String serviceName, int replicas) {
    calls.add("scale " + serviceName + " replicas=" + replicas);
    var s = services.get(serviceName);
    if (s == null) throw new OrchestratorException("cannot scale service " + serviceName + ": service " + serviceName + " not found");
    services.put(serviceName, new StackSpec.Service(s.composeName(), s.name(), s.image(), s.entrypoint(), s.command(), s.env(),
        s.containerLabels(), s.serviceLabels(), s.networks(), s.mounts(), s.ports(), s.limits(), s.reservations(),
        s.constraints(), s.endpointMode(), s.hostname(), s.user(), s.workingDir(), s.stopGracePeriodNanos(), s.stopSignal(),
        s.tty(), s.openStdin(), s.readOnly(), s.extraHosts(), replicas, s.restart()));
  }

  @Override
  public List<Task> tasks(String serviceName) {
    var s = services.get(serviceName);
    if (s == null) return List.of();
    var out = new ArrayList<Task>(earlierTasks.getOrDefault(serviceName, List.of()));
    for (int slot = 1; slot <= s.replicas(); slot++) {
      if (!images.contains(s.image())) {
        out.add(new Task(serviceName + "/" + slot, serviceName, slot, "node1", "rejected", "shutdown", "preparing",
            "No such image: " + s.image(), null, null, created, created));
      } else if (slot == 1 && exitAtStart.containsKey(serviceName)) {
        out.add(new Task(serviceName + "/" + slot, serviceName, slot, "node1", "failed", "shutdown", "started",
            "task: non-zero exit (" + exitAtStart.get(serviceName) + ")", "c" + slot + "000000000000", exitAtStart.get(serviceName), created, created));
      } else {
        out.add(new Task(serviceName + "/" + slot, serviceName, slot, slotNodes.getOrDefault(slot, "node1"), "running", "running", "started", null,
            "c" + slot, null, created, created));
      }
    }
    return out;
  }

  @Override
  public Optional<ContainerState> container(String containerId) {
    calls.add("container " + containerId);
    return Optional.of(new ContainerState(containerId, "exited", oomKilled, 137, null));
  }

  @Override
  public List<String> logTail(String containerId, int lines) {
    return logTail;
  }

  @Override
  public TaskLogs taskLogs(String taskId, Instant since) {
    calls.add("taskLogs " + taskId + (since == null ? "" : " since " + since));
    onTaskLogs.accept(taskId);
    if (taskLogsFail.contains(taskId)) throw new OrchestratorException("cannot read the logs of task " + taskId + ": no such task");
    return new TaskLogs(taskLogs.getOrDefault(taskId, List.of()).stream()
        .filter(l -> since == null || !l.time().isBefore(since)).toList(), null);
  }

  @Override
  public boolean hasImage(String image) {
    return images.contains(image);
  }

  /** Image → ID for {@link #imageInfo}; an image in {@link #images} but not here has ID {@code sha256:fake-<image>}. */
  public final java.util.Map<String, String> imageIds = new java.util.HashMap<>();

  @Override
  public Optional<ImageInfo> imageInfo(String image) {
    if (!images.contains(image)) return Optional.empty();
    return Optional.of(new ImageInfo(imageIds.getOrDefault(image, "sha256:fake-" + image), List.of()));
  }

  @Override
  public String nodeName(String nodeId) {
    return "box";
  }

  @Override
  public List<String> stackServices(String stack) {
    return services.values().stream().filter(s -> stack.equals(s.serviceLabels().get(StackSpec.NAMESPACE_LABEL)))
        .map(StackSpec.Service::name).toList();
  }

  @Override
  public List<String> stackNetworks(String stack) {
    var listed = new ArrayList<>(networks.values().stream().filter(n -> stack.equals(n.labels().get(StackSpec.NAMESPACE_LABEL)))
        .map(StackSpec.Network::name).toList());
    for (var it = removedButListed.entrySet().iterator(); it.hasNext(); ) {
      var e = it.next();
      if (!e.getKey().startsWith(stack + "_")) continue;
      listed.add(e.getKey());
      if (e.setValue(e.getValue() - 1) <= 1) it.remove();
    }
    return listed;
  }

  @Override
  public int stackContainers(String stack) {
    return stackServices(stack).stream().mapToInt(n -> services.get(n).replicas()).sum();
  }

  @Override
  public void removeService(String name) {
    calls.add("removeService " + name);
    services.remove(name);
  }

  @Override
  public void removeNetwork(String name) {
    calls.add("removeNetwork " + name);
    if (networkBusy > 0) {
      networkBusy--;
      throw new OrchestratorException("cannot remove network " + name + ": network has active endpoints");
    }
    if (networks.remove(name) != null && networkListedAfterRemove > 0) removedButListed.put(name, networkListedAfterRemove);
  }
}
