package dev.reprise.agent.runtime;

import dev.reprise.fdsl.fault.HostFeature;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What the agent does on its host outside the engine: CPU burner processes placed in a container's
 * cgroups, and killing processes; and whether the host has what the fault types need
 * ({@link #probe}). Thread-safe.
 */
public interface HostOps {
  /**
   * One feature's check: {@code missing} null when the host has it, else why not, in a sentence a
   * user can act on; {@code detail} what was found (e.g. {@code cgroup v2 at /sys/fs/cgroup}), may be null.
   */
  record FeatureCheck(HostFeature feature, String missing, String detail) {
    public boolean ok() {
      return missing == null;
    }
  }

  /** What a host command printed (stdout and stderr together, at most its last 8 KiB) and how it exited. */
  record CommandResult(int exitCode, String output) {
    public boolean ok() {
      return exitCode == 0;
    }
  }

  /**
   * Runs {@code argv} on the host (no shell; stdin from {@code /dev/null}) and waits for it, at most
   * {@code timeout}: the agent's way to call {@code tc}, {@code iptables}, {@code nsenter} and the
   * like. A non-zero exit is a result, not an exception.
   *
   * @throws RuntimeFailure when it cannot be started
   * @throws RuntimeTimeout when it did not end within {@code timeout} (it is killed; it may have acted)
   */
  default CommandResult run(List<String> argv, java.time.Duration timeout) {
    return run(argv, null, timeout);
  }

  /**
   * {@link #run(List, java.time.Duration)} with {@code stdin} (null: {@code /dev/null}) written to
   * the command's standard input, e.g. the rules of one {@code iptables-restore}.
   */
  CommandResult run(List<String> argv, String stdin, java.time.Duration timeout);

  /**
   * Starts {@code argv} as a long-running host process (no shell; stdin from {@code /dev/null})
   * and waits until it prints a line starting with {@code readyPrefix}, at most {@code timeout};
   * its later output is discarded. The process must end by itself (its own deadline) or be
   * {@link #kill}ed.
   *
   * @return its PID
   * @throws RuntimeFailure when it cannot start, exits, or is not ready in time (it is killed then;
   *     the message has its output)
   */
  long startProcess(List<String> argv, String readyPrefix, java.time.Duration timeout);

  /** Every burner marker starts with this; the levels below it are separated by {@code /}. */
  String BURNER_PREFIX = "reprise-burner";

  /** Whether a burner's {@code marker} is {@code prefix} itself or below it ({@code prefix/…}). */
  static boolean markedBy(String marker, String prefix) {
    return marker.equals(prefix) || marker.startsWith(prefix.endsWith("/") ? prefix : prefix + "/");
  }

  /**
   * Starts one busy-loop process burning one core, moved into every cgroup of the process
   * {@code containerPid} (the container's main process), so the container's own CPU accounting and
   * limits apply to it. The burner carries {@code marker} ({@code reprise-burner/<run>/<node>/…}) so
   * {@link #findMarked(String)} finds it, and only it. The burner ends by itself after
   * {@code lifetime}, so it never outlives its fault even when nobody is left to kill it.
   *
   * @return the burner's PID
   * @throws RuntimeFailure when the burner cannot be started or placed (it is killed then)
   */
  long startBurner(long containerPid, String marker, java.time.Duration lifetime);

  /**
   * Starts the agent's native helper ({@code reprise-fault-helper}, {@code NativeHelper}) with {@code args} (its subcommand and
   * options, e.g. {@code memory --mib 256}), placed in every cgroup of the process
   * {@code containerPid} (the container's main process) <em>before</em> it allocates or writes
   * anything (the helper joins them itself: {@code --join <cgroup.procs>}…), so what it uses is
   * charged to the container and the container's limits apply. It carries {@code marker}
   * ({@code --marker}, {@code reprise-burner/<run>/<node>/…}) so {@link #findMarked(String)} finds it,
   * and ends by itself after {@code lifetime} ({@code --until-epoch-ms}, on this host's wall clock),
   * so it never outlives its fault even when nobody is left to kill it.
   *
   * @return the helper's PID
   * @throws RuntimeFailure when it cannot be started or placed, or exits at once (it is killed then;
   *     the message has its output)
   */
  long startHelper(List<String> args, long containerPid, String marker, java.time.Duration lifetime);

  /**
   * The host path of {@code pathInside} (absolute, as the container sees it) in the file system of
   * the process {@code containerPid}: {@code /proc/<pid>/root/<pathInside>}. Nothing is checked.
   */
  java.nio.file.Path containerPath(long containerPid, String pathInside);

  /**
   * PIDs of live burners and helpers (processes {@link #startBurner} or {@link #startHelper}
   * started, recognised by their exact command line, never a process that merely mentions the
   * marker, such as {@code pgrep -f}) whose marker is {@code prefix} or below it, per {@link #markedBy}.
   */
  List<Long> findMarked(String prefix);

  /** Sends SIGKILL to {@code pid} and its descendants; returns whether it was alive. */
  boolean kill(long pid);

  /** Whether {@code pid} is alive (and not a zombie). */
  boolean alive(long pid);

  /**
   * Gives the calling thread real-time scheduling (a low {@code SCHED_FIFO} priority), for the
   * threads that wait for an action's instant and make its engine calls: on a loaded host a normal
   * thread woken at its deadline waits behind the busy processes' time slices (tens of
   * milliseconds), a real-time one runs at once. The thread must not busy-loop for long (the
   * scheduler spins at most its last 1.5 ms; the kernel's real-time throttling caps the rest).
   *
   * @return empty when done, else why not (not root, no {@code chrt}): the thread keeps its priority
   */
  default Optional<String> prioritizeCurrentThread() {
    return Optional.of(getClass().getSimpleName() + " has no real-time scheduling");
  }

  /**
   * Checks that this host has each of {@code features}, cheaply (file and executable checks, and
   * for network features one try of each mechanism in a throw-away network namespace: nothing of
   * the host is changed): one {@link FeatureCheck} per feature, in {@code features}'
   * order. Never throws for a missing feature (that is a check that failed); called off the agent's
   * coordinator thread, before anything is deployed.
   */
  List<FeatureCheck> probe(Set<HostFeature> features);
}
