package dev.reprise.agent.heal;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.util.List;
import java.util.Objects;

/**
 * One durable step that undoes part of a fault: what the agent writes to its on-disk heal journal
 * ({@link HealJournalStore}) <em>before</em> the effect is applied, so that a fresh process — the
 * agent's next start, or its watchdog when the agent dies — can undo the effect without the agent's
 * memory. Every step is idempotent (undoing what is already gone does nothing and succeeds) and
 * re-checks its container: a step guarded by {@code containerId}/{@code pid} acts only while the
 * container still exists with that main PID (its network namespace and root are the same ones);
 * otherwise the effect died with the container and the step is skipped as done.
 *
 * <p>Run by {@link UndoRunner}. JSON names are in {@code step}.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = "step")
@JsonSubTypes({
    @JsonSubTypes.Type(value = UndoStep.HostCommand.class, name = "host_command"),
    @JsonSubTypes.Type(value = UndoStep.KillMarked.class, name = "kill_marked"),
    @JsonSubTypes.Type(value = UndoStep.Unpause.class, name = "unpause"),
    @JsonSubTypes.Type(value = UndoStep.StartContainer.class, name = "start_container"),
    @JsonSubTypes.Type(value = UndoStep.DeleteFile.class, name = "delete_file"),
    @JsonSubTypes.Type(value = UndoStep.KillProcess.class, name = "kill_process"),
})
public sealed interface UndoStep {

  /**
   * Runs {@code argv} on the host (no shell), while container {@code containerId} still has main
   * PID {@code pid} (null/0: unguarded). An exit code other than 0 is a failed step unless the
   * command's output says the thing is already gone ({@code okWhenOutputMatches}, a regular
   * expression, e.g. {@code "No such file|Cannot find|does not exist|Bad rule"}).
   */
  record HostCommand(List<String> argv, String containerId, Long pid, String okWhenOutputMatches) implements UndoStep {
    public HostCommand {
      argv = List.copyOf(argv);
      if (argv.isEmpty()) throw new IllegalArgumentException("empty argv");
    }
  }

  /** Kills every process carrying {@code marker} or a marker below it ({@code HostOps.findMarked}). */
  record KillMarked(String marker) implements UndoStep {
    public KillMarked {
      Objects.requireNonNull(marker, "marker");
    }
  }

  /** Unpauses container {@code containerId} through the engine, when it exists and is paused. */
  record Unpause(String containerId) implements UndoStep {
    public Unpause {
      Objects.requireNonNull(containerId, "containerId");
    }
  }

  /**
   * Starts container {@code containerId} through the engine, when it exists and is not running. When
   * it still runs, first waits up to {@code awaitStopMillis} (null/0: not at all) for it to stop: a
   * stop may have been under way when the agent that asked for it died (the engine finishes it), and
   * a start that came first would find it running and leave it stopped.
   */
  record StartContainer(String containerId, Long awaitStopMillis) implements UndoStep {
    public StartContainer {
      Objects.requireNonNull(containerId, "containerId");
    }

    /** Without waiting for a stop. */
    public StartContainer(String containerId) {
      this(containerId, null);
    }
  }

  /**
   * Deletes the host path {@code path} (e.g. {@code /proc/<pid>/root/data/reprise-fill-7}) while
   * container {@code containerId} still has main PID {@code pid}; a missing file is done. A
   * directory is deleted with the entries directly in it (one level, links not followed: what an
   * io fault's workers leave in their folders).
   */
  record DeleteFile(String path, String containerId, Long pid) implements UndoStep {
    public DeleteFile {
      Objects.requireNonNull(path, "path");
    }
  }

  /**
   * Sends SIGKILL to host process {@code pid} and its descendants ({@code HostOps.kill}), e.g. a custom
   * fault script the engine started in container {@code containerId}, while that container still has
   * main PID {@code containerPid} (null/0: unguarded); a process already gone is done. The guard keeps
   * a PID the kernel gave to someone else after the container went from being killed.
   */
  record KillProcess(long pid, String containerId, Long containerPid) implements UndoStep {
    public KillProcess {
      if (pid <= 0) throw new IllegalArgumentException("pid must be > 0, was " + pid);
    }
  }
}
