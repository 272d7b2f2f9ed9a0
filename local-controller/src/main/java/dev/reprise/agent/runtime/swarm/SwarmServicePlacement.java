package dev.reprise.agent.runtime.swarm;

import com.github.dockerjava.api.DockerClient;
import dev.reprise.agent.runtime.DockerContainerRuntime;
import dev.reprise.agent.runtime.RuntimeFailure;
import dev.reprise.agent.runtime.ServicePlacement;
import java.io.IOException;
import java.time.Duration;
import java.util.Optional;

/**
 * {@link ServicePlacement} on Docker Swarm: FDSL ID = task slot − 1 (slots are 1-based; with
 * {@code restart_policy: none} a dead task keeps its slot and a scale-up gets the next ones, pinned by
 * {@code AgentIT}), so scaling to {@code count} IDs sets the replicas to {@code count}. Placements are
 * read from the service's tasks (managers only). docker-java, with its own client.
 */
public final class SwarmServicePlacement implements ServicePlacement {
  private final DockerClient docker;

  public SwarmServicePlacement(Duration commandTimeout) {
    this.docker = DockerContainerRuntime.client(commandTimeout);
  }

  /** With a 30 s command timeout. */
  public static SwarmServicePlacement connect() {
    return new SwarmServicePlacement(Duration.ofSeconds(30));
  }

  /** FDSL ID of a task slot: slot − 1; null for no slot (≤ 0). */
  public static Integer idOfSlot(int slot) {
    return slot >= 1 ? slot - 1 : null;
  }

  /** The task slot of an FDSL ID. */
  public static int slotOfId(int id) {
    return id + 1;
  }

  @Override
  public Integer idOf(int slot) {
    return idOfSlot(slot);
  }

  @Override
  public String describe(int id) {
    return "slot " + slotOfId(id);
  }

  @Override
  public Optional<Placement> locate(String service, int id) {
    int slot = slotOfId(id);
    return DockerContainerRuntime.call("list tasks of " + service, () -> {
      for (var t : docker.listTasksCmd().withServiceFilter(service).exec()) {
        if (t.getSlot() == null || t.getSlot() != slot) continue;
        var status = t.getStatus();
        var state = status == null || status.getState() == null ? null : status.getState().getValue();
        var error = status == null ? null : status.getErr();
        return Optional.of(new Placement(t.getNodeId(), "(" + describe(id) + "): task " + t.getId() + " is " + state
            + (error == null || error.isEmpty() ? "" : " (" + error + ")")));
      }
      return Optional.<Placement>empty();
    });
  }

  @Override
  public void scaleTo(String service, int count) {
    DockerContainerRuntime.call("scale " + service + " to " + count, () -> {
      var s = docker.inspectServiceCmd(service).exec();
      var spec = s.getSpec();
      if (spec.getMode() == null || spec.getMode().getReplicated() == null) {
        throw new RuntimeFailure("service " + service + " is not in replicated mode");
      }
      spec.getMode().getReplicated().withReplicas(count);
      docker.updateServiceCmd(s.getId(), spec).withVersion(s.getVersion().getIndex()).exec();
      return null;
    });
  }

  @Override
  public int count(String service) {
    return DockerContainerRuntime.call("inspect service " + service, () -> {
      var spec = docker.inspectServiceCmd(service).exec().getSpec();
      if (spec.getMode() == null || spec.getMode().getReplicated() == null) return 0;
      return (int) spec.getMode().getReplicated().getReplicas();
    });
  }

  @Override
  public void close() {
    try {
      docker.close();
    } catch (IOException e) {
      // closing connections: nothing left to do
    }
  }
}
