package dev.reprise.master.swarm;

import dev.reprise.master.orchestrator.Orchestrator;
import dev.reprise.master.orchestrator.OrchestratorException;
import dev.reprise.master.orchestrator.OrchestratorUnreachableException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The swarm as the master needs it, in Reprise's words: engine facts, stack objects, tasks and the
 * containers behind them. The docker-java adapter is {@code dev.reprise.master.swarm.DockerSwarmCluster};
 * tests use a hand-written fake. Called from the run coordinator's thread (and from the shutdown
 * hook's clean-up, which runs on that same thread); implementations need not be thread-safe.
 *
 * <p>Every method throws {@link OrchestratorException} when the engine refuses or fails the request,
 * and {@link OrchestratorUnreachableException} when no engine answers at all.
 */
public interface SwarmCluster {

  /** The engine and its swarm membership. */
  Engine engine();

  /**
   * @param version the engine version, e.g. {@code 20.10.24}
   * @param swarmState {@code inactive}, {@code pending}, {@code active}, {@code error} or {@code locked}
   * @param nodeId the swarm node ID (null unless active)
   * @param hostname the engine host's name
   * @param manager whether this node can manage the swarm
   */
  record Engine(String version, String swarmState, String nodeId, String hostname, boolean manager) {
    public boolean swarmActive() {
      return "active".equals(swarmState);
    }
  }

  /** Makes this engine a single-node swarm manager advertising {@code advertiseAddr}. */
  void initSwarm(String advertiseAddr);

  void createNetwork(StackSpec.Network network);

  void createService(StackSpec.Service service);

  /** Sets swarm service {@code serviceName}'s replica count. */
  void scale(String serviceName, int replicas);

  /** Every task of swarm service {@code serviceName}, in any state (empty when the service is gone). */
  List<Task> tasks(String serviceName);

  /**
   * A task as the orchestrator reports it.
   *
   * @param state {@code new}, {@code pending}, {@code assigned}, {@code preparing}, {@code starting}, {@code running},
   *     {@code complete}, {@code failed}, {@code rejected}, {@code shutdown}, {@code orphaned}...
   * @param err the task's error (e.g. {@code No such image: x}), null when none
   * @param containerId null until a container exists
   * @param exitCode the container's exit code once it ended, else null
   * @param created when swarm created the task, null when unknown
   * @param stateSince when the task entered {@code state} (its status timestamp, set by the node), null when unknown
   */
  record Task(String id, String service, int slot, String nodeId, String state, String desiredState, String message,
      String err, String containerId, Integer exitCode, Instant created, Instant stateSince) {}

  /**
   * The lines task {@code taskId}'s container wrote since {@code since} (null: all), stdout and
   * stderr, oldest first, read through this manager from whichever node runs the task (as
   * {@code docker service logs} does); waits at most a few seconds for a node that does not answer.
   *
   * @throws OrchestratorException when the engine refuses (no such task, a log driver that cannot be read)
   */
  TaskLogs taskLogs(String taskId, Instant since);

  /**
   * @param lines what was read, oldest first
   * @param incomplete why the lines may be incomplete (the node did not finish in time), null when complete
   */
  record TaskLogs(List<Orchestrator.LogLine> lines, String incomplete) {
    public TaskLogs {
      lines = List.copyOf(lines);
    }
  }

  /** The state of a container on this engine; empty when it does not exist (any more). */
  Optional<ContainerState> container(String containerId);

  /** @param error the engine's error starting it, null when none */
  record ContainerState(String id, String status, boolean oomKilled, Integer exitCode, String error) {}

  /** The last {@code lines} lines the container wrote (stdout and stderr); empty when unknown. */
  List<String> logTail(String containerId, int lines);

  /** Whether {@code image} is present on this engine. */
  boolean hasImage(String image);

  /** What this engine knows of {@code image}: its ID and repo digests; empty when it does not have it. */
  Optional<ImageInfo> imageInfo(String image);

  /** An image on the engine: its ID ({@code sha256:...}) and repo digests ({@code repo@sha256:...}, empty when never pushed or pulled). */
  record ImageInfo(String id, List<String> repoDigests) {
    public ImageInfo {
      repoDigests = List.copyOf(repoDigests);
    }
  }

  /** The hostname of swarm node {@code nodeId}, or the ID itself when unknown. */
  String nodeName(String nodeId);

  /** Names of the services labelled {@value StackSpec#NAMESPACE_LABEL} = {@code stack}. */
  List<String> stackServices(String stack);

  /** Names of the networks labelled {@value StackSpec#NAMESPACE_LABEL} = {@code stack}. */
  List<String> stackNetworks(String stack);

  /** How many containers (any state) on this engine carry {@value StackSpec#NAMESPACE_LABEL} = {@code stack}. */
  int stackContainers(String stack);

  /** Removes a service; removing one that is already gone is not an error. */
  void removeService(String name);

  /** Removes a network; one that is already gone is not an error; one still in use is a {@link OrchestratorException}. */
  void removeNetwork(String name);
}
