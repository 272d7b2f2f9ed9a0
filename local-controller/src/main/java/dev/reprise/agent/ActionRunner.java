package dev.reprise.agent;

import dev.reprise.agent.collect.ContainerDirectory;
import dev.reprise.agent.inject.FaultApplication;
import dev.reprise.agent.inject.InjectionContext;
import dev.reprise.agent.inject.Injector;
import dev.reprise.agent.inject.Injectors;
import dev.reprise.agent.inject.Outcome;
import dev.reprise.agent.inject.Target;
import dev.reprise.agent.runtime.RunContainer;
import dev.reprise.agent.runtime.RuntimeFailure;
import dev.reprise.agent.runtime.RuntimeTimeout;
import dev.reprise.agent.time.Clock;
import dev.reprise.fdsl.plan.FaultAction;
import dev.reprise.fdsl.plan.PlannedAction;
import dev.reprise.fdsl.plan.StartAction;
import dev.reprise.fdsl.plan.StopAction;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * Carries out one planned {@code start}, {@code stop} or {@code fault} action on this host; runs on
 * an injector pool thread so a slow engine call never delays the next deadline. Resolves FDSL IDs to
 * containers at fire time (FDSL ID = slot − 1): first from the {@link ContainerDirectory} (kept
 * current by engine events, no engine round trip), then by asking the engine. A target whose task
 * runs on another node is left to that node's agent; an action with no target here is not this
 * agent's to record ({@link #run} returns null). {@code start} is done by the manager's agent only.
 */
final class ActionRunner {

  /** What happened, for the timeline record and the progress message. */
  record Report(PlannedAction action, String service, Instant planned, Instant actual, List<Integer> ids,
      List<String> containers, List<String> nodes, Outcome outcome, Integer exitCode, String output) {}

  private final InjectionContext ctx;
  private final ContainerDirectory directory;
  private final Map<String, String> services;
  private final boolean manager;
  private final String nodeId;
  private final Clock clock;

  ActionRunner(InjectionContext ctx, ContainerDirectory directory, Map<String, String> services, boolean manager,
      String nodeId, Clock clock) {
    this.ctx = ctx;
    this.directory = directory;
    this.services = services;
    this.manager = manager;
    this.nodeId = nodeId;
    this.clock = clock;
  }

  /** Runs {@code action}; null when nothing of it is this host's. Never throws for engine problems. */
  Report run(PlannedAction action, Instant planned) throws InterruptedException {
    if (action instanceof StartAction s) return start(s, planned);
    if (action instanceof StopAction s) return onTargets(action, s.service(), s.ids(), planned, null);
    if (action instanceof FaultAction f) return onTargets(action, f.service(), f.ids(), planned, f);
    throw new IllegalArgumentException("not a container action: " + action);
  }

  private Report start(StartAction s, Instant planned) {
    if (!manager) return null;
    var swarm = services.get(s.service());
    int replicas = Collections.max(s.ids()) + 1;
    var actual = clock.now();
    Outcome outcome;
    try {
      ctx.runtime().scale(swarm, replicas);
      outcome = Outcome.OK;
    } catch (RuntimeFailure e) {
      outcome = Outcome.failed(e.getMessage());
    } catch (RuntimeTimeout e) {
      outcome = Outcome.unknown(e.getMessage());
    }
    return new Report(s, s.service(), planned, actual, s.ids(), null, null, outcome, null, null);
  }

  private Report onTargets(PlannedAction action, String service, List<Integer> ids, Instant planned, FaultAction fault)
      throws InterruptedException {
    var targets = new ArrayList<Target>();
    var handledIds = new ArrayList<Integer>();
    var containers = new ArrayList<String>();
    var nodes = new ArrayList<String>();
    var outcomes = new ArrayList<Outcome>();
    for (int id : ids) {
      Resolution r;
      try {
        r = resolve(service, id);
      } catch (RuntimeFailure | RuntimeTimeout e) {
        r = new Resolution(null, "cannot resolve " + service + " ID " + id + ": " + e.getMessage());
      }
      if (r == null) continue; // on another node
      handledIds.add(id);
      if (r.container == null || !r.container.running()) {
        containers.add(r.container == null ? null : r.container.id());
        nodes.add(r.container == null ? null : r.container.nodeId());
        outcomes.add(Outcome.failed(r.problem != null ? r.problem
            : service + " ID " + id + ": " + r.container.describe() + " is not running"));
        continue;
      }
      containers.add(r.container.id());
      nodes.add(r.container.nodeId());
      targets.add(new Target(service, id, r.container));
    }
    if (handledIds.isEmpty()) return null;
    var actual = clock.now();
    Integer exitCode = null;
    String output = null;
    for (var t : targets) {
      try {
        if (fault == null) {
          ctx.runtime().stop(t.container().id(), ctx.stopGrace());
          outcomes.add(Outcome.OK);
        } else {
          var result = apply(fault, planned, t);
          outcomes.add(result.outcome());
          if (result.exitCode() != null) exitCode = result.exitCode();
          if (result.output() != null) output = output == null ? result.output() : output + "\n" + result.output();
        }
      } catch (RuntimeFailure e) {
        outcomes.add(Outcome.failed(t.service() + " ID " + t.id() + ": " + e.getMessage()));
      } catch (RuntimeTimeout e) {
        outcomes.add(Outcome.unknown(t.service() + " ID " + t.id() + ": " + e.getMessage()));
      }
    }
    return new Report(action, service, planned, actual, handledIds, containers, nodes, Outcome.combine(outcomes), exitCode, output);
  }

  /** Applies {@code action}'s fault to one local target with its type's injector (looked up by the fault type's name). */
  private Injector.TargetResult apply(FaultAction action, Instant planned, Target t) throws InterruptedException {
    return Injectors.apply(ctx, FaultApplication.of(action, planned, t));
  }

  private record Resolution(RunContainer container, String problem) {}

  /** The container behind FDSL ID {@code id} on this host; null when it runs on another node. */
  private Resolution resolve(String service, int id) {
    var known = directory.find(service, id);
    if (known.isPresent() && known.get().container().running()) return new Resolution(known.get().container(), null);
    var swarm = services.get(service);
    for (var c : ctx.runtime().containers(List.of(swarm))) directory.update(c);
    known = directory.find(service, id);
    if (known.isPresent()) return new Resolution(known.get().container(), null);
    int slot = ContainerDirectory.slotOfId(id);
    if (!manager) return null;
    for (var task : ctx.runtime().tasks(swarm)) {
      if (task.slot() != slot) continue;
      if (nodeId != null && task.nodeId() != null && !task.nodeId().equals(nodeId)) return null;
      return new Resolution(null, service + " ID " + id + " (slot " + slot + "): task " + task.id() + " is " + task.state()
          + (task.error() == null || task.error().isEmpty() ? "" : " (" + task.error() + ")") + ", no container on this host");
    }
    return new Resolution(null, service + " ID " + id + " (slot " + slot + ") does not exist: swarm service " + swarm
        + " has no task in that slot");
  }
}
