package dev.reprise.master.swarm;

import dev.reprise.master.orchestrator.DeployException;
import dev.reprise.master.orchestrator.Orchestrator;
import dev.reprise.master.orchestrator.OrchestratorException;
import dev.reprise.master.orchestrator.OrchestratorUnreachableException;
import dev.reprise.time.Time;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.BooleanSupplier;

/**
 * Deploys a {@link StackSpec} on a {@link SwarmCluster}, waits for its initial containers (with a
 * diagnosis when they do not all run), and removes it again: the deploy half of
 * {@link SwarmOrchestrator}. Called from the run coordinator's thread only.
 *
 * <p>Removal selects by the stack's namespace label, not by what this instance created, so it also
 * cleans up after a deploy that failed half-way. It only ever touches objects of the given stack.
 */
public final class StackDeployer {
  /** Task states from which a task never reaches {@code running} again (restart condition is none). */
  private static final Set<String> TERMINAL = Set.of("complete", "failed", "rejected", "shutdown", "orphaned", "remove");
  static final int LOG_TAIL_LINES = 20;

  private final SwarmCluster cluster;
  private final Time time;
  private final Duration pollInterval;

  public StackDeployer(SwarmCluster cluster, Time time) {
    this(cluster, time, Duration.ofMillis(250));
  }

  public StackDeployer(SwarmCluster cluster, Time time, Duration pollInterval) {
    this.cluster = cluster;
    this.time = time;
    this.pollInterval = pollInterval;
  }

  /**
   * Creates the stack's networks (all but the external ones), then its services. Stops at the first
   * refusal; what was created stays until {@link #remove}.
   *
   * @throws DeployException naming the object the engine refused and why
   */
  public void deploy(StackSpec stack) throws DeployException {
    for (var n : stack.networks()) {
      if (n.external()) continue;
      try {
        cluster.createNetwork(n);
      } catch (OrchestratorUnreachableException e) {
        throw e;
      } catch (OrchestratorException e) {
        throw new DeployException("cannot create network " + n.name() + ": " + e.getMessage());
      }
    }
    for (var s : stack.services()) {
      try {
        cluster.createService(s);
      } catch (OrchestratorUnreachableException e) {
        throw e;
      } catch (OrchestratorException e) {
        throw new DeployException("cannot create service " + s.name() + " (image " + s.image() + "): " + e.getMessage());
      }
    }
  }

  /**
   * Waits until every service runs exactly its initial replica count. Fails fast when a task ends
   * (with restart condition none it never comes back).
   *
   * @param cancelled polled between checks; when true, returns early with an {@link InterruptedException}
   * @throws DeployException with the diagnosis of every service that is not running
   */
  public void awaitRunning(StackSpec stack, Duration timeout, BooleanSupplier cancelled)
      throws DeployException, InterruptedException {
    long deadline = time.nanoTime() + timeout.toNanos();
    while (true) {
      var failing = new ArrayList<String>();
      boolean allRunning = true;
      for (var s : stack.services()) {
        if (s.replicas() == 0) continue;
        var tasks = cluster.tasks(s.name());
        long running = tasks.stream().filter(t -> "running".equals(t.state())).count();
        boolean ended = tasks.stream().anyMatch(t -> TERMINAL.contains(t.state()));
        if (running < s.replicas()) allRunning = false;
        if (ended) failing.add(s.name());
      }
      if (!failing.isEmpty()) throw new DeployException(diagnose(stack, "the stack's initial containers did not all start"));
      if (allRunning) return;
      if (time.nanoTime() >= deadline) {
        throw new DeployException(diagnose(stack, "the initial containers were not all running after " + timeout.toSeconds() + " s"));
      }
      if (cancelled.getAsBoolean()) throw new InterruptedException("aborted while waiting for the initial containers");
      time.sleep(pollInterval);
    }
  }

  /** The diagnosis of every service that does not run its replica count, Testcontainers style. */
  String diagnose(StackSpec stack, String headline) {
    var sb = new StringBuilder(headline).append(':');
    for (var s : stack.services()) {
      if (s.replicas() == 0) continue;
      var tasks = cluster.tasks(s.name());
      long running = tasks.stream().filter(t -> "running".equals(t.state())).count();
      if (running == s.replicas() && tasks.stream().noneMatch(t -> TERMINAL.contains(t.state()))) continue;
      sb.append("\n  service ").append(s.composeName()).append(" (").append(s.name()).append("): ")
          .append(running).append(" of ").append(s.replicas()).append(" running");
      if (tasks.isEmpty()) sb.append("; no task was created");
      for (var t : tasks) {
        if ("running".equals(t.state())) continue;
        sb.append("\n    task ").append(s.composeName()).append('.').append(t.slot()).append(": ").append(t.state());
        if (t.err() != null && !t.err().isBlank()) sb.append(": ").append(t.err());
        else if (t.message() != null && !t.message().isBlank()) sb.append(" (").append(t.message()).append(')');
        String node = t.nodeId() == null ? null : cluster.nodeName(t.nodeId());
        if (mentionsImage(t) && !cluster.hasImage(s.image())) {
          sb.append("\n      image ").append(s.image()).append(" is not present on node ").append(node == null ? "(unassigned)" : node)
              .append("; build it (scripts/build-images.sh) or load it (docker load); no registry is reachable");
        }
        if (t.containerId() != null && !t.containerId().isBlank()) containerDiagnosis(sb, t);
      }
    }
    return sb.toString();
  }

  private static boolean mentionsImage(SwarmCluster.Task t) {
    String text = ((t.err() == null ? "" : t.err()) + " " + (t.message() == null ? "" : t.message())).toLowerCase(Locale.ROOT);
    return text.contains("no such image") || text.contains("pull") || text.contains("image") || "rejected".equals(t.state());
  }

  private void containerDiagnosis(StringBuilder sb, SwarmCluster.Task t) {
    var state = cluster.container(t.containerId());
    String shortId = t.containerId().substring(0, Math.min(12, t.containerId().length()));
    if (state.isEmpty()) {
      sb.append("\n      container ").append(shortId).append(" is gone");
      if (t.exitCode() != null) sb.append(" (exit code ").append(t.exitCode()).append(')');
      return;
    }
    var c = state.get();
    sb.append("\n      container ").append(shortId).append(": ").append(c.status());
    if (c.exitCode() != null) sb.append(", exit code ").append(c.exitCode());
    if (c.oomKilled()) sb.append(", OOMKilled (raise deploy.resources.limits.memory)");
    if (c.error() != null && !c.error().isBlank()) sb.append(", error: ").append(c.error());
    var tail = cluster.logTail(t.containerId(), LOG_TAIL_LINES);
    if (tail.isEmpty()) {
      sb.append("\n      (no log output)");
    } else {
      sb.append("\n      last ").append(tail.size()).append(" log lines:");
      tail.forEach(line -> sb.append("\n        | ").append(line));
    }
  }

  /**
   * Removes the stack: its services, then (once their containers are gone, waiting at most
   * {@code timeout}) its networks. Never throws for a single object; reports leftovers instead.
   * Not interruptible by design: it also runs while the JVM shuts down.
   */
  public Orchestrator.Removal remove(String stack, Duration timeout) {
    var problems = new ArrayList<String>();
    var services = new ArrayList<String>();
    var networks = new ArrayList<String>();
    interruptedWhileRemoving = Thread.interrupted();
    long deadline = time.nanoTime() + timeout.toNanos();
    try {
      for (String name : cluster.stackServices(stack)) {
        try {
          cluster.removeService(name);
          services.add(name);
        } catch (OrchestratorException e) {
          problems.add("service " + name + ": " + e.getMessage());
        }
      }
      while (cluster.stackContainers(stack) > 0 && time.nanoTime() < deadline) pause();
      // the engine drops a network from its list a little after a successful remove (and a node keeps
      // its local copy while a rejected task is cleaned up), so the list, not the removes, says when it is done
      String lastError = null;
      while (true) {
        List<String> left = cluster.stackNetworks(stack);
        if (left.isEmpty()) break;
        for (String name : left) {
          try {
            cluster.removeNetwork(name);
            if (!networks.contains(name)) networks.add(name);
          } catch (OrchestratorException e) {
            lastError = e.getMessage();
          }
        }
        if (time.nanoTime() >= deadline) {
          for (String name : cluster.stackNetworks(stack)) {
            networks.remove(name);
            problems.add("network " + name + ": " + (lastError == null ? "still listed after it was removed" : lastError));
          }
          break;
        }
        pause();
      }
      int containers = cluster.stackContainers(stack);
      if (containers > 0) problems.add(containers + " container(s) of the stack still exist after " + timeout.toSeconds() + " s");
    } catch (OrchestratorException e) {
      problems.add("cannot list the stack's objects: " + e.getMessage());
    }
    if (interruptedWhileRemoving) Thread.currentThread().interrupt();
    return new Orchestrator.Removal(services, networks, problems);
  }

  private boolean interruptedWhileRemoving;

  private void pause() {
    try {
      time.sleep(pollInterval);
    } catch (InterruptedException e) {
      // keep removing: leaving the stack behind is worse than a late exit; the flag is restored at the end
      interruptedWhileRemoving = true;
    }
  }
}
