package dev.reprise.agent.heal;

import dev.reprise.agent.runtime.ContainerRuntime;
import dev.reprise.agent.runtime.HostOps;
import dev.reprise.agent.runtime.RunContainer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Runs {@link UndoStep}s: the one place that undoes a fault's effects, used by the agent's journal
 * at heal, by its watchdog after it died and at its next start. Every step runs even when an
 * earlier one failed (a fault applied in three parts is undone in as many as can be). Thread-safe.
 */
public final class UndoRunner {
  /** How long one undo command may take. */
  static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(20);

  private final HostOps host;
  private final ContainerRuntime runtime;

  public UndoRunner(HostOps host, ContainerRuntime runtime) {
    this.host = host;
    this.runtime = runtime;
  }

  /** Runs every step of {@code steps}, in order; returns what failed (empty: everything is undone). */
  public List<String> run(List<UndoStep> steps) {
    var problems = new ArrayList<String>();
    for (var step : steps) {
      try {
        var problem = runOne(step);
        if (problem != null) problems.add(problem);
      } catch (RuntimeException e) {
        problems.add(describe(step) + ": " + e.getMessage());
      }
    }
    return problems;
  }

  private String runOne(UndoStep step) {
    if (step instanceof UndoStep.HostCommand c) {
      if (!sameContainer(c.containerId(), c.pid())) return null;
      var r = host.run(c.argv(), COMMAND_TIMEOUT);
      if (r.ok()) return null;
      if (c.okWhenOutputMatches() != null && Pattern.compile(c.okWhenOutputMatches()).matcher(r.output()).find()) return null;
      // The namespace may have gone with the container between the check and the command.
      if (!sameContainer(c.containerId(), c.pid())) return null;
      return String.join(" ", c.argv()) + " exited " + r.exitCode() + (r.output().isBlank() ? "" : ": " + r.output());
    }
    if (step instanceof UndoStep.KillMarked k) {
      host.findMarked(k.marker()).forEach(host::kill);
      var left = host.findMarked(k.marker());
      return left.isEmpty() ? null : "processes marked " + k.marker() + " still alive: " + left;
    }
    if (step instanceof UndoStep.Unpause u) {
      if (runtime.container(u.containerId()) != null) runtime.unpause(u.containerId());
      return null;
    }
    if (step instanceof UndoStep.StartContainer s) {
      var c = runtime.container(s.containerId());
      if (c != null && c.running() && s.awaitStopMillis() != null && s.awaitStopMillis() > 0
          && runtime.awaitNotRunning(s.containerId(), Duration.ofMillis(s.awaitStopMillis()))) {
        c = runtime.container(s.containerId());
      }
      if (c != null && !c.running()) runtime.start(s.containerId());
      return null;
    }
    if (step instanceof UndoStep.KillProcess k) {
      if (sameContainer(k.containerId(), k.containerPid())) host.kill(k.pid());
      return null;
    }
    var d = (UndoStep.DeleteFile) step;
    if (!sameContainer(d.containerId(), d.pid())) return null;
    try {
      var path = Path.of(d.path());
      if (Files.isDirectory(path, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
        try (var entries = Files.list(path)) {
          for (var entry : (Iterable<Path>) entries::iterator) Files.deleteIfExists(entry);
        }
      }
      Files.deleteIfExists(path);
      return null;
    } catch (IOException e) {
      return "cannot delete " + d.path() + ": " + e.getMessage();
    }
  }

  /**
   * Whether container {@code id} still runs with main PID {@code pid}: only then are its namespaces
   * and root the ones the fault was applied in. Unguarded ({@code id} null) is always true.
   */
  private boolean sameContainer(String id, Long pid) {
    if (id == null) return true;
    RunContainer c = runtime.container(id);
    if (c == null || !c.running()) return false;
    return pid == null || pid == 0 || c.pid() == pid;
  }

  static String describe(UndoStep step) {
    if (step instanceof UndoStep.HostCommand c) return String.join(" ", c.argv());
    if (step instanceof UndoStep.KillMarked k) return "kill processes marked " + k.marker();
    if (step instanceof UndoStep.Unpause u) return "unpause " + u.containerId();
    if (step instanceof UndoStep.StartContainer s) return "start " + s.containerId();
    if (step instanceof UndoStep.KillProcess k) return "kill process " + k.pid() + " and its descendants";
    return "delete " + ((UndoStep.DeleteFile) step).path();
  }
}
