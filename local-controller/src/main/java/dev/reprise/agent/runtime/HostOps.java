package dev.reprise.agent.runtime;

import java.util.List;

/**
 * What the agent does on its host outside the engine: CPU burner processes placed in a container's
 * cgroups, and killing processes. Thread-safe.
 */
public interface HostOps {
  /**
   * Starts one busy-loop process burning one core, moved into every cgroup of the process
   * {@code containerPid} (the container's main process), so the container's own CPU accounting and
   * limits apply to it. {@code marker} is carried in the burner's command line so
   * {@link #findMarked(String)} finds exactly ours.
   *
   * @return the burner's PID
   * @throws RuntimeFailure when the burner cannot be started or placed (it is killed then)
   */
  long startBurner(long containerPid, String marker);

  /** PIDs of live processes whose command line contains {@code marker}. */
  List<Long> findMarked(String marker);

  /** Sends SIGKILL to {@code pid} and its descendants; returns whether it was alive. */
  boolean kill(long pid);

  /** Whether {@code pid} is alive (and not a zombie). */
  boolean alive(long pid);
}
