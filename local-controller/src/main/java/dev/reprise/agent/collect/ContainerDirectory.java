package dev.reprise.agent.collect;

import dev.reprise.agent.runtime.RunContainer;
import dev.reprise.agent.runtime.ServicePlacement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The run's containers on this host as last seen (from the initial listing and the engine's
 * events), with their FDSL service and ID (from the container's slot, as {@link ServicePlacement#idOf}
 * maps it). Thread-safe.
 */
public final class ContainerDirectory {
  /**
   * @param fdslService the FDSL service
   * @param id the FDSL container ID
   */
  public record Entry(String fdslService, int id, RunContainer container) {}

  private final Map<String, String> fdslBySwarm;
  private final ServicePlacement placement;
  private final Map<String, Entry> byContainer = new HashMap<>();

  /**
   * @param services FDSL service → swarm service name
   * @param placement maps a container's slot to its FDSL ID
   */
  public ContainerDirectory(Map<String, String> services, ServicePlacement placement) {
    this.placement = placement;
    var inverse = new HashMap<String, String>();
    services.forEach((fdsl, swarm) -> inverse.put(swarm, fdsl));
    this.fdslBySwarm = Map.copyOf(inverse);
  }

  /** The FDSL ID of a container's (or an event's) slot; null when it has none. */
  public Integer idOf(int slot) {
    return placement.idOf(slot);
  }

  /** The FDSL service of a swarm service, or null when it is not one of the run's. */
  public String fdslService(String swarmService) {
    return fdslBySwarm.get(swarmService);
  }

  /**
   * Records what the engine says about a container; returns its entry, or null when the
   * container is not one of the run's. {@code isNew} in the result tells whether it was first seen now.
   */
  public synchronized Seen update(RunContainer c) {
    var fdsl = fdslBySwarm.get(c.swarmService());
    var id = fdsl == null ? null : placement.idOf(c.slot());
    if (id == null) return null;
    var entry = new Entry(fdsl, id, c);
    var previous = byContainer.put(c.id(), entry);
    return new Seen(entry, previous == null);
  }

  /** Result of {@link #update}. */
  public record Seen(Entry entry, boolean isNew) {}

  /** Marks a container as ended (on a {@code die} event), keeping what else is known. */
  public synchronized void ended(String containerId, Integer exitCode) {
    var e = byContainer.get(containerId);
    if (e == null) return;
    var c = e.container();
    byContainer.put(containerId, new Entry(e.fdslService(), e.id(), new RunContainer(c.id(), c.swarmService(), c.slot(),
        c.taskId(), c.nodeId(), c.image(), false, 0, exitCode, c.oomKilled(), c.created())));
  }

  public synchronized Optional<Entry> byContainer(String containerId) {
    return Optional.ofNullable(byContainer.get(containerId));
  }

  /** The newest known container of {@code fdslService} with FDSL ID {@code id}, running ones first. */
  public synchronized Optional<Entry> find(String fdslService, int id) {
    return byContainer.values().stream()
        .filter(e -> e.fdslService().equals(fdslService) && e.id() == id)
        .max(Comparator.comparing((Entry e) -> e.container().running())
            .thenComparing(e -> e.container().created() == null ? java.time.Instant.EPOCH : e.container().created()));
  }

  /** Running containers per FDSL service (every run service listed, 0 included). */
  public synchronized SortedMap<String, Integer> aliveCounts() {
    var counts = new TreeMap<String, Integer>();
    fdslBySwarm.values().forEach(s -> counts.put(s, 0));
    for (var e : byContainer.values()) {
      if (e.container().running()) counts.merge(e.fdslService(), 1, Integer::sum);
    }
    return counts;
  }

  public synchronized List<Entry> running() {
    var list = new ArrayList<Entry>();
    for (var e : byContainer.values()) if (e.container().running()) list.add(e);
    return list;
  }
}
