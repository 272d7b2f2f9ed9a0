package dev.reprise.agent.runtime;

import java.io.Closeable;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.function.Consumer;

/**
 * The container engine as the agent sees it, in our words: what acts on containers (list, inspect,
 * signal, stop, exec, copy, events, logs, stats). Where a service's containers are placed and how
 * many it has is {@link ServicePlacement}'s. Implementations are thread-safe: the
 * injector pool and the collectors call them concurrently. Every blocking call either returns,
 * throws {@link RuntimeFailure} (the engine said no: the action did not happen), or throws
 * {@link RuntimeTimeout} (no answer in time: the action may or may not have happened — recorded as
 * {@code unknown}).
 */
public interface ContainerRuntime extends AutoCloseable {

  /** The engine and host this runtime talks to. */
  EngineInfo info();

  /**
   * The task containers of the given swarm services on this host, running or not (recognised by
   * their label {@code com.docker.swarm.service.name}).
   */
  List<RunContainer> containers(Collection<String> swarmServices);

  /** One container, or null when it does not exist (any more). */
  RunContainer container(String containerId);

  /**
   * Runs, once, the calls the agent makes at an action's instant against a container that does not
   * exist (the engine answers "no such container"), so the first real action finds that code
   * compiled and a connection open. Acts on no container; never throws. Called before T0, off the
   * scheduler's thread.
   */
  void warmUp();

  /** Sends {@code signal} (e.g. {@code SIGKILL}, {@code SIGUSR1}) to the container's main process. */
  void kill(String containerId, String signal);

  /** Docker's stop: SIGTERM (or the image's stop signal), then SIGKILL after {@code grace}. Blocks until stopped. */
  void stop(String containerId, Duration grace);

  /**
   * The container's IPv4 addresses on each of its networks (overlay, bridge, ingress), in the
   * engine's order; empty when it has none or is gone.
   */
  List<String> addresses(String containerId);

  /** Freezes every process of the container (the engine's pause: the cgroup freezer). */
  void pause(String containerId);

  /** Thaws a paused container; a container that is not paused (or gone) is left as it is, without error. */
  void unpause(String containerId);

  /** Starts the (stopped) container again, the same container with the same volumes; a running one is left as it is. */
  void start(String containerId);

  /**
   * Waits until the container is not running (stopped, or gone), at most {@code timeout}; returns
   * whether it is not running then. Returns at once for a container that does not run.
   */
  boolean awaitNotRunning(String containerId, Duration timeout);

  /**
   * Copies the host file {@code file} into the container as {@code folder/name}, creating
   * {@code folder} (with parents) and making the file executable. Uses the engine's archive API:
   * needs no tool in the image.
   */
  void copyFile(String containerId, Path file, String folder, String name);

  /** Starts {@code command} inside the container (no tty, stdout and stderr captured). */
  RunningExec exec(String containerId, List<String> command);

  /**
   * Follows the engine's container events of the given swarm services' containers until closed,
   * starting with those the engine still holds from before the call (it keeps its most recent
   * events), so the creation and start of containers deployed before the agent was armed are
   * recorded too. Swarm service names are unique per run, so nothing of another run is replayed.
   * {@code sink} is called on one engine thread, in event order.
   */
  Closeable events(Collection<String> swarmServices, Consumer<RuntimeEvent> sink);

  /**
   * Follows a container's complete log (from its first line, with the engine's timestamps) until
   * the container ends or the handle is closed; {@code onEnd} runs once when the stream ends.
   */
  Closeable logs(String containerId, Consumer<LogLine> sink, Runnable onEnd);

  /**
   * Reads, without following, the container's log lines from {@code since} (whole seconds; null:
   * from the start) up to now, and returns when they are all delivered to {@code sink}. Used at the
   * end of a run to catch what a follow stream had not delivered yet.
   */
  void logsSince(String containerId, java.time.Instant since, Consumer<LogLine> sink);

  /** Streams the container's resource samples (about one per second) until it ends or is closed. */
  Closeable stats(String containerId, Consumer<StatsSample> sink);

  @Override
  void close();
}
