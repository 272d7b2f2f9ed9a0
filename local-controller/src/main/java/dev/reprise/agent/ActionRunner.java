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
import dev.reprise.agent.runtime.ServicePlacement;
import dev.reprise.fdsl.plan.FaultAction;
import dev.reprise.fdsl.plan.PlannedAction;
import dev.reprise.fdsl.plan.StartAction;
import dev.reprise.fdsl.plan.StopAction;
import dev.reprise.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;

/**
 * Carries out one planned {@code start}, {@code stop} or {@code fault} action on this host, in two
 * steps so that the planned instant costs one engine call per container and nothing else:
 *
 * <ol>
 *   <li>{@link #prepare} ({@link #RESOLVE_AHEAD} before the instant, on the agent's resolver
 *       thread): FDSL IDs → containers, first from the
 *       {@link ContainerDirectory} (kept current by engine events, no engine round trip), then by
 *       asking the engine ({@code containers}) and, on a manager, the {@link ServicePlacement}.
 *   <li>{@link #fire} (at the instant, on the scheduler's thread): re-checks every target in the
 *       directory (in memory: a container that died since is not fired at, one that started since
 *       is), then hands each target to its own firing-pool thread, so several containers of one
 *       action are called at the same time, not one after another. A target that was not resolved
 *       ahead (it did not exist yet) is resolved on its firing thread as before.
 * </ol>
 *
 * A target whose task runs on another node is left to that node's agent; an action with no target
 * here is not this agent's to record (no report). {@code start} is done by the manager's agent only.
 * Engine problems never throw: they are the report's outcome.
 */
final class ActionRunner {
  /** How long before its instant an action's targets are resolved. */
  static final Duration RESOLVE_AHEAD = Duration.ofMillis(1500);

  /**
   * What happened, for the timeline record and the progress message.
   *
   * @param actual when it fired: {@code issued}, or when the agent found it had nothing to call
   * @param issued just before the first engine (or host) call of the action (null: none was made)
   * @param acknowledged when the last of those calls returned (null when one got no answer)
   */
  record Report(PlannedAction action, String service, Instant planned, Instant actual, Instant issued,
      Instant acknowledged, List<Integer> ids, List<String> containers, List<String> nodes, Outcome outcome,
      Integer exitCode, String output, String mechanism) {
    Report(PlannedAction action, String service, Instant planned, Instant actual, Instant issued,
        Instant acknowledged, List<Integer> ids, List<String> containers, List<String> nodes, Outcome outcome,
        Integer exitCode, String output) {
      this(action, service, planned, actual, issued, acknowledged, ids, containers, nodes, outcome, exitCode, output, null);
    }
  }

  /** One FDSL ID as resolved ahead: its container (running or not), or a problem, or on another node. */
  record Resolution(int id, RunContainer container, String problem, boolean elsewhere) {
    static Resolution elsewhere(int id) {
      return new Resolution(id, null, null, true);
    }
  }

  /** An action with its targets resolved ahead of its instant (empty for {@code start}). */
  record Prepared(PlannedAction action, String service, List<Integer> ids, FaultAction fault, List<Resolution> targets) {}

  private final InjectionContext ctx;
  private final ServicePlacement placement;
  private final ContainerDirectory directory;
  private final Map<String, String> services;
  private final boolean manager;
  private final String nodeId;
  private final Clock clock;

  ActionRunner(InjectionContext ctx, ServicePlacement placement, ContainerDirectory directory, Map<String, String> services,
      boolean manager, String nodeId, Clock clock) {
    this.ctx = ctx;
    this.placement = placement;
    this.directory = directory;
    this.services = services;
    this.manager = manager;
    this.nodeId = nodeId;
    this.clock = clock;
  }

  /**
   * Resolves {@code action}'s targets. Called ahead of the instant on the resolver thread (may make
   * engine calls); never throws for engine problems (they become the target's problem).
   */
  Prepared prepare(PlannedAction action) {
    if (action instanceof StartAction s) return new Prepared(s, s.service(), s.ids(), null, List.of());
    String service;
    List<Integer> ids;
    FaultAction fault = null;
    if (action instanceof StopAction s) {
      service = s.service();
      ids = s.ids();
    } else if (action instanceof FaultAction f) {
      service = f.service();
      ids = f.ids();
      fault = f;
    } else {
      throw new IllegalArgumentException("not a container action: " + action);
    }
    var targets = new ArrayList<Resolution>();
    for (int id : ids) targets.add(resolveNow(service, id));
    return new Prepared(action, service, ids, fault, targets);
  }

  /**
   * Fires a prepared action at its instant: one job per target on {@code pool}, each making one
   * engine call; {@code done} gets the report once every target's call has returned (on the thread
   * of the last one), or never when nothing of the action is this host's. Called on the scheduler's
   * thread: makes no engine call itself.
   */
  void fire(Prepared p, Instant planned, Executor pool, Consumer<Report> done) {
    if (p.action() instanceof StartAction s) {
      if (!manager) return;
      submit(pool, new Firing(p, planned, 1, done), 0, () -> start(s));
      return;
    }
    var firing = new Firing(p, planned, p.targets().size(), done);
    for (int i = 0; i < p.targets().size(); i++) {
      var prepared = p.targets().get(i);
      var container = recheck(p.service(), prepared);
      if (container != null && container.running()) {
        var target = new Target(p.service(), prepared.id(), container);
        submit(pool, firing, i, () -> call(p, planned, target));
      } else if (prepared.elsewhere() && container == null) {
        firing.finish(i, TargetResult.ELSEWHERE);
      } else {
        // Not known running at the instant: resolve it now (it may have just been created), as before.
        submit(pool, firing, i, () -> resolveAndCall(p, planned, prepared.id()));
      }
    }
  }

  private void submit(Executor pool, Firing firing, int index, TargetCall call) {
    try {
      pool.execute(() -> firing.finish(index, run(call, firing.p)));
    } catch (RejectedExecutionException e) {
      firing.finish(index, new TargetResult(firing.p.targets().isEmpty() ? null : firing.p.targets().get(index).id(),
          null, null, Outcome.failed("not fired: the agent was stopping"), null, null, null, null, false));
    }
  }

  private TargetResult run(TargetCall call, Prepared p) {
    try {
      return call.run();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new TargetResult(null, null, null, Outcome.unknown("interrupted while firing (the agent was stopping)"),
          null, null, null, null, false);
    } catch (RuntimeException e) {
      return new TargetResult(null, null, null, Outcome.unknown("agent error while firing: " + e), null, null, null, null, false);
    }
  }

  /** The container the directory knows for a prepared target now (events keep it current), else the prepared one. */
  private RunContainer recheck(String service, Resolution prepared) {
    var known = directory.find(service, prepared.id());
    if (known.isPresent()) return known.get().container();
    return prepared.container();
  }

  private TargetResult resolveAndCall(Prepared p, Instant planned, int id) throws InterruptedException {
    var r = resolveNow(p.service(), id);
    if (r.elsewhere()) return TargetResult.ELSEWHERE;
    if (r.container() == null || !r.container().running()) {
      return new TargetResult(id, r.container() == null ? null : r.container().id(), r.container() == null ? null : r.container().nodeId(),
          Outcome.failed(r.problem() != null ? r.problem() : p.service() + " ID " + id + ": " + r.container().describe() + " is not running"),
          null, null, null, null, false);
    }
    return call(p, planned, new Target(p.service(), id, r.container()));
  }

  /** The one engine (or host) call of one target, with when it was issued and acknowledged. */
  private TargetResult call(Prepared p, Instant planned, Target t) throws InterruptedException {
    var c = t.container();
    var issued = clock.now();
    try {
      if (p.fault() == null) {
        ctx.runtime().stop(c.id(), ctx.stopGrace());
        return new TargetResult(t.id(), c.id(), c.nodeId(), Outcome.OK, issued, clock.now(), null, null, false);
      }
      var result = apply(p.fault(), planned, t);
      return new TargetResult(t.id(), c.id(), c.nodeId(), result.outcome(), issued, clock.now(), result.exitCode(),
          result.output(), false, result.mechanism());
    } catch (RuntimeFailure e) {
      return new TargetResult(t.id(), c.id(), c.nodeId(), Outcome.failed(t.service() + " ID " + t.id() + ": " + e.getMessage()),
          issued, clock.now(), null, null, false);
    } catch (RuntimeTimeout e) {
      return new TargetResult(t.id(), c.id(), c.nodeId(), Outcome.unknown(t.service() + " ID " + t.id() + ": " + e.getMessage()),
          issued, null, null, null, false);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new TargetResult(t.id(), c.id(), c.nodeId(),
          Outcome.unknown(t.service() + " ID " + t.id() + ": interrupted while firing (the agent was stopping)"),
          issued, null, null, null, false);
    }
  }

  private TargetResult start(StartAction s) {
    var swarm = services.get(s.service());
    int replicas = Collections.max(s.ids()) + 1; // IDs 0 … max
    var issued = clock.now();
    try {
      placement.scaleTo(swarm, replicas);
      return new TargetResult(null, null, null, Outcome.OK, issued, clock.now(), null, null, false);
    } catch (RuntimeFailure e) {
      return new TargetResult(null, null, null, Outcome.failed(e.getMessage()), issued, clock.now(), null, null, false);
    } catch (RuntimeTimeout e) {
      return new TargetResult(null, null, null, Outcome.unknown(e.getMessage()), issued, null, null, null, false);
    }
  }

  /** Applies {@code action}'s fault to one local target with its type's injector (looked up by the fault type's name). */
  private Injector.TargetResult apply(FaultAction action, Instant planned, Target t) throws InterruptedException {
    return Injectors.apply(ctx, FaultApplication.of(action, planned, t));
  }

  @FunctionalInterface
  private interface TargetCall {
    TargetResult run() throws InterruptedException;
  }

  /** One target's result; {@code elsewhere}: on another node, not part of this host's report. */
  private record TargetResult(Integer id, String container, String node, Outcome outcome, Instant issued,
      Instant acknowledged, Integer exitCode, String output, boolean elsewhere, String mechanism) {
    static final TargetResult ELSEWHERE = new TargetResult(null, null, null, null, null, null, null, null, true);

    TargetResult(Integer id, String container, String node, Outcome outcome, Instant issued,
        Instant acknowledged, Integer exitCode, String output, boolean elsewhere) {
      this(id, container, node, outcome, issued, acknowledged, exitCode, output, elsewhere, null);
    }
  }

  /** Collects one action's target results; the last one to finish builds the report. Thread-safe. */
  private final class Firing {
    final Prepared p;
    final Instant planned;
    final TargetResult[] results;
    final Consumer<Report> done;
    int pending;

    Firing(Prepared p, Instant planned, int targets, Consumer<Report> done) {
      this.p = p;
      this.planned = planned;
      this.results = new TargetResult[targets];
      this.pending = targets;
      this.done = done;
    }

    void finish(int index, TargetResult r) {
      synchronized (this) {
        results[index] = r;
        if (--pending > 0) return;
      }
      var report = report();
      if (report != null) done.accept(report);
    }

    private Report report() {
      if (p.action() instanceof StartAction) {
        var r = results[0];
        return new Report(p.action(), p.service(), planned, r.issued() != null ? r.issued() : clock.now(), r.issued(),
            r.acknowledged(), p.ids(), null, null, r.outcome(), null, null);
      }
      var ids = new ArrayList<Integer>();
      var containers = new ArrayList<String>();
      var nodes = new ArrayList<String>();
      var outcomes = new ArrayList<Outcome>();
      Instant issued = null;
      Instant acknowledged = null;
      boolean allAnswered = true;
      Integer exitCode = null;
      String output = null;
      var mechanisms = new java.util.LinkedHashSet<String>();
      for (int i = 0; i < results.length; i++) {
        var r = results[i];
        if (r.elsewhere()) continue;
        ids.add(p.targets().get(i).id());
        containers.add(r.container());
        nodes.add(r.node());
        outcomes.add(r.outcome());
        if (r.issued() != null) {
          if (issued == null || r.issued().isBefore(issued)) issued = r.issued();
          if (r.acknowledged() == null) allAnswered = false;
          else if (acknowledged == null || r.acknowledged().isAfter(acknowledged)) acknowledged = r.acknowledged();
        }
        if (r.exitCode() != null) exitCode = r.exitCode();
        if (r.mechanism() != null) mechanisms.add(r.mechanism());
        if (r.output() != null) output = output == null ? r.output() : output + "\n" + r.output();
      }
      if (ids.isEmpty()) return null;
      var actual = issued != null ? issued : clock.now();
      return new Report(p.action(), p.service(), planned, actual, issued, allAnswered ? acknowledged : null, ids,
          containers, nodes, Outcome.combine(outcomes), exitCode, output, mechanisms.isEmpty() ? null : String.join(",", mechanisms));
    }
  }

  /**
   * The container behind FDSL ID {@code id} on this host, asking the engine when the directory does
   * not know a running one; {@link Resolution#elsewhere} when its task runs on another node.
   */
  private Resolution resolveNow(String service, int id) {
    try {
      var known = directory.find(service, id);
      if (known.isPresent() && known.get().container().running()) return new Resolution(id, known.get().container(), null, false);
      var swarm = services.get(service);
      for (var c : ctx.runtime().containers(List.of(swarm))) directory.update(c);
      known = directory.find(service, id);
      if (known.isPresent()) return new Resolution(id, known.get().container(), null, false);
      if (!manager) return Resolution.elsewhere(id);
      var placed = placement.locate(swarm, id);
      if (placed.isPresent()) {
        var p = placed.get();
        if (nodeId != null && p.node() != null && !p.node().equals(nodeId)) return Resolution.elsewhere(id);
        return new Resolution(id, null, service + " ID " + id + " " + p.description() + ", no container on this host", false);
      }
      return new Resolution(id, null, service + " ID " + id + " (" + placement.describe(id) + ") does not exist: service " + swarm
          + " has no such container", false);
    } catch (RuntimeFailure | RuntimeTimeout e) {
      return new Resolution(id, null, "cannot resolve " + service + " ID " + id + ": " + e.getMessage(), false);
    }
  }
}
