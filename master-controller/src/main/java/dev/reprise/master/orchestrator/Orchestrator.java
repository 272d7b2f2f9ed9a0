package dev.reprise.master.orchestrator;

import dev.reprise.fdsl.Diagnostic;
import dev.reprise.fdsl.ScenarioException;
import dev.reprise.fdsl.record.RunManifest;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * The container orchestrator as a run needs it, in Reprise's words: get the cluster ready, turn a
 * compose file into a stack, deploy it, wait for its initial containers, find the container behind a
 * service's FDSL ID, scale a service, salvage what it holds of a lost host's containers, remove the stack. Docker Swarm is one adapter
 * ({@code dev.reprise.master.swarm.SwarmOrchestrator}); how a Kubernetes adapter maps onto these
 * calls is in {@code docs/architecture.md}. Nothing of an orchestrator's own types crosses this
 * interface.
 *
 * <p>Called from the run coordinator's thread (and from the shutdown hook's clean-up, which runs on
 * that same thread); implementations need not be thread-safe, except {@link #translate}, which
 * contacts nothing and may be called from any thread (e.g. by {@code master validate}).
 *
 * <p>Every call that contacts the cluster throws {@link OrchestratorException} when the orchestrator
 * refuses or fails a request, and {@link OrchestratorUnreachableException} when nothing answers at
 * all (the CLI's exit code 3).
 */
public interface Orchestrator {

  /**
   * Makes sure the cluster can take a stack (on Swarm: swarm mode active on a manager, a single-node
   * swarm initialised when it is inactive).
   *
   * @throws OrchestratorException saying why it cannot (with the orchestrator's own reason)
   */
  Cluster prepare();

  /**
   * The cluster a run deploys to, as the run folder records it.
   *
   * @param hostname the host of the node the master talks to
   * @param nodeId that node's ID in the cluster
   * @param version the orchestrator's (engine's) version
   * @param prepared what {@link #prepare} had to do, one line for the user; null when the cluster was ready
   */
  record Cluster(String hostname, String nodeId, String version, String prepared) {}

  /**
   * Translates a compose file into the stack to deploy, without contacting anything: every rule the
   * orchestrator cannot honour is a positioned error, every ignored key a warning. The stack is not
   * named yet: a run translates once, before its ID exists, and names the result with
   * {@link Stack#named} once its run folder (whose name is the stack's) is created.
   *
   * @param replicas FDSL service → containers at T0 (the scenario's {@code beginning}); services absent get 0
   * @throws ScenarioException with every error, positioned in {@code composeFile}
   */
  Translation translate(Path composeFile, String composeText, Map<String, Integer> replicas) throws ScenarioException;

  /**
   * As {@link #translate(Path, String, Map)}; with {@code keepRestartPolicies} ({@code environment.restart: keep})
   * the compose file's restart policies are kept instead of "a killed container stays dead". An
   * orchestrator that cannot keep them translates as without.
   */
  default Translation translate(Path composeFile, String composeText, Map<String, Integer> replicas,
      boolean keepRestartPolicies) throws ScenarioException {
    return translate(composeFile, composeText, replicas);
  }

  /** A translated compose file: the (unnamed) stack and the warnings to show the user, each once. */
  record Translation(Stack stack, List<Diagnostic> warnings) {
    public Translation {
      warnings = List.copyOf(warnings);
    }
  }

  /**
   * A stack ready to deploy on the orchestrator that translated it. Immutable; the adapter's own type
   * stays behind this interface.
   */
  interface Stack {
    /** The stack's name (the run's ID); meaningless until {@link #named}. */
    String name();

    /** This stack under {@code name}: every object of it is named and labelled after it. Cheap; no translation. */
    Stack named(String name);

    /** FDSL (compose) service → the orchestrator's service name, for the agents' {@code arm} message. */
    Map<String, String> serviceNames();

    /** The images the stack's services run, each once, in compose order. */
    List<String> images();

    /**
     * The longest name {@link #named} accepts for this stack: the orchestrator names the stack's
     * objects after it and limits their names' length (on Swarm: {@code <stack>_<service>} within 63
     * characters), so a stack with long service names needs a short run ID.
     */
    int maxNameLength();

    /**
     * Each service as it will be deployed, in compose order, for the run folder's {@code run.json}
     * ({@code services}): image, entrypoint and command, environment with the values of secret-looking
     * names redacted ({@link RunManifest#secretName}), T0 replicas, constraints, resources, restart
     * policy and networks. Nothing the run does not need to be replayed, and nothing secret.
     */
    List<RunManifest.ServiceSpec> describeServices();
  }

  /**
   * What the cluster's engine (the one the stack's images are deployed or shipped from) knows of each
   * of {@code images}, in that order: its image ID and repo digest (null when the image was never
   * pushed or pulled), both null when the engine does not have the image.
   *
   * @throws OrchestratorException when the engine cannot be asked
   */
  List<RunManifest.ImageFact> imageFacts(List<String> images);

  /**
   * What the cluster will not serve as the user expects for this stack (on Swarm: virtual IPs without
   * IP_VS in the kernel), one line each, to print before deploying; empty when nothing.
   */
  List<String> warnings(Stack stack);

  /**
   * Creates the stack's objects with their initial container counts and restart policy "never" (a
   * killed container stays dead). Stops at the first refusal; what was created stays until
   * {@link #remove}.
   *
   * @throws DeployException naming the object that was refused and why
   */
  void deploy(Stack stack) throws DeployException;

  /**
   * Waits until every service runs exactly its initial container count; fails fast when a container
   * ends (with restart policy "never" it does not come back).
   *
   * @param cancelled polled between checks; when true, returns early with an {@link InterruptedException}
   * @throws DeployException with the diagnosis of every service that does not run: state and error, exit
   *     code, OOM kill, missing image, the tail of the container's log
   */
  void awaitInitialContainers(Stack stack, Duration timeout, BooleanSupplier cancelled)
      throws DeployException, InterruptedException;

  /**
   * The container that FDSL ID {@code id} of service {@code fdslService} of stack {@code stack} names
   * now (FDSL IDs count containers in creation order within the service, from 0), and its node; the
   * running one when the ID has several, else the newest. Empty when the ID names no container.
   */
  Optional<Placement> locate(String stack, String fdslService, int id);

  /**
   * Where an FDSL ID's container is.
   *
   * @param node the host name of the node it is on, null when not yet placed
   */
  record Placement(String fdslService, int id, String containerId, String node, boolean running) {}

  /** Sets how many containers service {@code fdslService} of stack {@code stack} should run. */
  void scale(String stack, String fdslService, int replicas);

  /**
   * What the orchestrator still holds of the containers stack {@code stack} has or had on node
   * {@code node}, read through the cluster's control plane (on Swarm the manager, which reads the task
   * logs of every node's engine): each container with its last known state and the lines it wrote
   * since {@code since}. For a host whose agent was lost mid-run, so its folder in the run holds what
   * the engine kept after the agent died; call it before {@link #remove} (afterwards nothing is left to
   * read). Never throws for one container or one service: what could not be read is a line of
   * {@link Salvage#problems}.
   *
   * @param node the node's ID in the cluster (as its agent's {@code hello} reported it) or its host name
   * @param since the earliest log line wanted (e.g. when the run began); null for all of them
   * @throws OrchestratorException when the cluster cannot be asked at all
   */
  Salvage salvage(Stack stack, String node, Instant since);

  /**
   * What {@link #salvage} found on one node.
   *
   * @param containers the stack's containers that ran there, in service then FDSL ID order
   * @param problems one line per container or service that could not be read, and why
   */
  record Salvage(List<SalvagedContainer> containers, List<String> problems) {
    public Salvage {
      containers = List.copyOf(containers);
      problems = List.copyOf(problems);
    }
  }

  /**
   * One container as the orchestrator last saw it. Times are the node's clock as the orchestrator
   * reported them.
   *
   * @param fdslService the FDSL (compose) service
   * @param id its FDSL ID
   * @param state the orchestrator's word for its state ({@code running}, {@code complete}, {@code failed}, ...)
   * @param stateSince when it entered {@code state}, null when unknown
   * @param ended whether the container has ended (its state is final)
   * @param exitCode its exit code once ended, null when unknown
   * @param error the orchestrator's error for it, null when none
   * @param created when the orchestrator created it, null when unknown
   * @param logs the lines it wrote (stdout and stderr), oldest first
   */
  record SalvagedContainer(String fdslService, int id, String containerId, String state, Instant stateSince, boolean ended,
      Integer exitCode, String error, Instant created, List<LogLine> logs) {
    public SalvagedContainer {
      logs = List.copyOf(logs);
    }
  }

  /**
   * One line a container wrote.
   *
   * @param time the engine's timestamp of the line
   * @param stream {@code stdout} or {@code stderr}
   * @param text the line without its newline
   */
  record LogLine(Instant time, String stream, String text) {}

  /**
   * Removes the stack: its services, then (once their containers are gone, waiting at most
   * {@code timeout}) its networks. Never throws for a single object; reports leftovers instead. Not
   * interruptible by design: it also runs while the JVM shuts down.
   */
  Removal remove(String stack, Duration timeout);

  /**
   * What {@link #remove} removed and what it could not.
   *
   * @param problems one line per object left behind and why; empty when the stack is gone
   */
  record Removal(List<String> services, List<String> networks, List<String> problems) {
    public Removal {
      services = List.copyOf(services);
      networks = List.copyOf(networks);
      problems = List.copyOf(problems);
    }
  }
}
