package dev.reprise.master.experiments;

import dev.reprise.agent.protocol.AgentMessage;
import dev.reprise.fdsl.ScenarioException;
import dev.reprise.fdsl.ScenarioLoader;
import dev.reprise.fdsl.record.RecordJson;
import dev.reprise.fdsl.record.RunManifest;
import dev.reprise.master.orchestrator.OrchestratorException;
import dev.reprise.master.run.Outcome;
import dev.reprise.master.run.RunCoordinator;
import dev.reprise.master.run.RunListener;
import dev.reprise.time.Clock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * {@link Experiments} on this master's engine (the local Docker engine, or the hosts of a hosts
 * file): each experiment is carried out as a run of Reprise's own (synthesized by
 * {@link ScenarioSynthesis}, loaded and planned by the FDSL loader, started by an
 * {@link ExperimentRunner}) that attaches to the stack as it runs.
 *
 * <p>Life of one experiment: {@link ExperimentState#INJECTED} when accepted; {@code RUNNING} when its
 * run reports the fault applied on a target; {@code ROLLED_BACK} when its run ends after healing it
 * (at the TTL, or earlier on {@link #rollback}/{@link #close}); {@code ABORTED} when its run was
 * stopped otherwise (its guard tripped, the process interrupted); {@code FAILED} when the fault could
 * not be applied or its run failed. Every change is written to the state folder's
 * {@link ExperimentStore} (with this process's PID), so another process — and this one after a
 * restart — lists them; a non-final experiment found there whose process is gone is recorded as
 * {@code ABORTED} ({@link #STOPPED_MESSAGE}).
 *
 * <p>Thread-safe: every method may be called from any thread; run events arrive on the runs' threads.
 */
public final class LocalExperiments implements Experiments {
  /** What an experiment whose process died is recorded with. */
  public static final String STOPPED_MESSAGE = "the server stopped; its agents healed on losing it";
  /** Default longest {@code durationSeconds}. */
  public static final Duration DEFAULT_MAX_DURATION = Duration.ofHours(1);
  /** Ended experiments kept in the state file. */
  public static final int HISTORY_LIMIT = 500;
  /** How long {@link #rollback} waits for the heal at most. */
  static final Duration ROLLBACK_WAIT = Duration.ofSeconds(120);

  private final LiveStacks stacks;
  private final ExperimentRunner runner;
  private final Clock clock;
  private final Path stateDir;
  private final ExperimentStore store;
  private final BlastCap cap;
  private final long maxDurationSeconds;
  private final long pid;
  private final Consumer<String> warn;
  /** This process's experiments, by ID, in the order accepted. */
  private final Map<String, Exp> mine = new LinkedHashMap<>();

  /**
   * @param stacks what runs on the swarm
   * @param runner starts each experiment's run
   * @param clock injectedAt, endedAt, elapsed and remaining seconds
   * @param stateDir where the state file and each experiment's synthesized inputs go
   * @param cap the blast-radius cap ({@link BlastCap#NONE}: none)
   * @param maxDuration the longest {@code durationSeconds} accepted
   * @param pid the PID recorded as the owner of this instance's experiments
   * @param warn where a problem that changes nothing (the state file cannot be written) is said
   */
  public LocalExperiments(LiveStacks stacks, ExperimentRunner runner, Clock clock, Path stateDir, BlastCap cap, Duration maxDuration,
      long pid, Consumer<String> warn) {
    this.stacks = stacks;
    this.runner = runner;
    this.clock = clock;
    this.stateDir = stateDir;
    this.store = new ExperimentStore(stateDir, HISTORY_LIMIT);
    this.cap = cap;
    this.maxDurationSeconds = maxDuration.toSeconds();
    this.pid = pid;
    this.warn = warn;
    markOrphans();
  }

  /**
   * The real engine: the local Docker engine's swarm (or, with {@code hostsFile}, the hosts of that
   * file, as {@code master run --hosts}), agents started per experiment, run folders under {@code outDir}.
   *
   * @param stateDir the state folder (the state file, each experiment's synthesized scenario)
   * @param maxAffected the blast-radius cap in {@code max_affected} syntax; null or blank: none
   * @param maxDuration the longest {@code durationSeconds}; null: {@link #DEFAULT_MAX_DURATION}
   * @throws IllegalArgumentException when {@code maxAffected} is not a cap
   */
  public static LocalExperiments create(Path stateDir, Path outDir, Optional<Path> hostsFile, String maxAffected, Duration maxDuration) {
    var cap = BlastCap.parse(maxAffected);
    var runner = new EngineExperimentRunner(outDir, hostsFile.orElse(null), System.err::println);
    return new LocalExperiments(runner.liveStacks(), runner, dev.reprise.time.SystemTime.INSTANCE, stateDir, cap,
        maxDuration == null ? DEFAULT_MAX_DURATION : maxDuration, ProcessHandle.current().pid(), System.err::println);
  }

  /**
   * The experiments recorded in {@code stateDir}, for reading ({@code master experiments} without a
   * server): {@link #list} and {@link #status} as the owning processes see them, with a non-final
   * experiment whose process is gone recorded {@code ABORTED} first (as a restarted server does).
   * It starts nothing: {@link #inject} finds no running service.
   */
  public static LocalExperiments viewOf(Path stateDir, Clock clock, Consumer<String> warn) {
    ExperimentRunner none = (launch, listener) -> {
      throw new ExperimentException.Unavailable("a view of " + stateDir + " starts no experiment");
    };
    return new LocalExperiments(List::of, none, clock, stateDir, BlastCap.NONE, DEFAULT_MAX_DURATION, ProcessHandle.current().pid(), warn);
  }

  // ---------------------------------------------------------------- the port

  @Override
  public ExperimentStatus inject(ExperimentRequest request) throws ExperimentException {
    var checked = ExperimentRules.check(request, maxDurationSeconds);
    var errors = new ArrayList<>(checked.errors());
    if (request.targetService() == null || errors.stream().anyMatch(e -> e.field().equals("targetService"))) {
      throw new ExperimentException.Invalid(errors);
    }
    List<LiveStacks.LiveService> all;
    try {
      all = stacks.services();
    } catch (OrchestratorException e) {
      throw new ExperimentException.Unavailable(e.getMessage());
    }
    String wanted = request.targetService().replace('/', '_');
    var target = all.stream().filter(s -> s.name().equals(wanted)).findFirst().orElse(null);
    if (target == null) {
      if (!errors.isEmpty()) throw new ExperimentException.Invalid(errors);
      throw new ExperimentException.UnknownService("no running service '" + request.targetService() + "'; running: "
          + (all.isEmpty() ? "none" : String.join(", ", all.stream().map(LiveStacks.LiveService::name).toList())));
    }
    var stack = all.stream().filter(s -> target.stack().equals(s.stack())).toList();
    var p = checked.parameters();
    var groupB = services(stack, p, "targetPartitionGroupB", errors);
    var toService = services(stack, p, "toService", errors);
    var groupA = services(stack, p, "targetPartitionGroupA", errors);
    if (p.containsKey("targetPartitionGroupA") && groupA.stream().noneMatch(s -> s.name().equals(target.name()))) {
      errors.add(new FieldError("parameters.targetPartitionGroupA", "must include the target service " + target.name()));
    }
    for (var b : groupB) {
      if (groupA.contains(b) || b.name().equals(target.name())) {
        errors.add(new FieldError("parameters.targetPartitionGroupB", b.name() + " is on both sides of the partition"));
      }
    }
    if (target.global()) errors.add(new FieldError("targetService", target.name() + " is a global service; experiments target replicated services"));
    int running = target.running().size();
    int count = 1;
    if (running == 0) {
      errors.add(new FieldError("targetService", target.name() + " runs no container"));
    } else if (p.containsKey("targetCount")) {
      count = (int) (long) (Long) p.get("targetCount");
      if (count > running) errors.add(new FieldError("parameters.targetCount", "is " + count + "; " + target.name() + " runs " + running + " container(s)"));
    } else if (p.containsKey("targetPercent")) {
      count = Math.max(1, (int) Math.floor((Double) p.get("targetPercent") * running / 100.0));
    }
    if (!errors.isEmpty()) throw new ExperimentException.Invalid(errors);

    Exp exp;
    synchronized (this) {
      if (mine.containsKey(request.experimentId()) || storedIds().contains(request.experimentId())) {
        throw new ExperimentException.DuplicateId(request.experimentId());
      }
      var affected = affectedContainers();
      var targets = chooseTargets(target, count, affected);
      checkBlastRadius(target, stack, targets, affected);
      Instant now = clock.now();
      exp = new Exp(request, target, targets, now, now.plusSeconds(request.durationSeconds()));
      mine.put(request.experimentId(), exp);
    }
    try {
      var peers = request.action() == ChaosAction.NETWORK_PARTITION ? groupB : toService;
      var extraA = request.action() == ChaosAction.NETWORK_PARTITION ? groupA : List.<LiveStacks.LiveService>of();
      var synth = ScenarioSynthesis.synthesize(request, p, stack, target,
          exp.targets.stream().map(t -> t.id).toList(), peers, extraA);
      var launch = load(request, synth, stack);
      persist(exp);
      exp.started(runner.start(launch, exp));
    } catch (ExperimentException | RuntimeException e) {
      synchronized (this) {
        mine.remove(request.experimentId());
      }
      throw e;
    }
    return exp.status();
  }

  @Override
  public Optional<ExperimentStatus> status(String experimentId) {
    Exp exp;
    synchronized (this) {
      exp = mine.get(experimentId);
    }
    if (exp != null) return Optional.of(exp.status());
    return stored().stream().map(ExperimentStore.Entry::status).filter(s -> s.experimentId().equals(experimentId)).findFirst()
        .map(this::refreshed);
  }

  @Override
  public List<ExperimentStatus> list() {
    var out = new ArrayList<ExperimentStatus>();
    Set<String> ids = new HashSet<>();
    List<Exp> own;
    synchronized (this) {
      own = new ArrayList<>(mine.values());
    }
    for (var e : own) {
      out.add(e.status());
      ids.add(e.request.experimentId());
    }
    for (var e : stored()) if (ids.add(e.status().experimentId())) out.add(refreshed(e.status()));
    out.sort(java.util.Comparator.comparing(ExperimentStatus::injectedAt, java.util.Comparator.nullsLast(java.util.Comparator.reverseOrder())));
    return out;
  }

  @Override
  public ExperimentStatus rollback(String experimentId) throws ExperimentException {
    Exp exp;
    synchronized (this) {
      exp = mine.get(experimentId);
    }
    if (exp == null) {
      return status(experimentId).orElseThrow(() -> new ExperimentException.UnknownExperiment(experimentId));
    }
    exp.rollback("rolled back on request");
    exp.awaitFinal(ROLLBACK_WAIT);
    return exp.status();
  }

  @Override
  public void close() {
    List<Exp> open;
    synchronized (this) {
      open = mine.values().stream().filter(e -> !e.status().status().isFinal()).toList();
    }
    open.forEach(e -> e.rollback("rolled back: the experiments service closed"));
    open.forEach(e -> e.awaitFinal(ROLLBACK_WAIT));
  }

  /** The run folder of {@code experimentId}, once it exists (for the CLI's last line). */
  public Optional<Path> runDir(String experimentId) {
    synchronized (this) {
      var e = mine.get(experimentId);
      return e == null ? Optional.empty() : Optional.ofNullable(e.runDir());
    }
  }

  /** Waits until {@code experimentId} is final (at most {@code timeout}); its status then, or now when it is not final yet. */
  public Optional<ExperimentStatus> awaitFinal(String experimentId, Duration timeout) {
    Exp exp;
    synchronized (this) {
      exp = mine.get(experimentId);
    }
    if (exp == null) return status(experimentId);
    exp.awaitFinal(timeout);
    return Optional.of(exp.status());
  }

  // ---------------------------------------------------------------- helpers

  /** The services a list parameter names, resolved within the target's stack; unknown names are field errors. */
  private static List<LiveStacks.LiveService> services(List<LiveStacks.LiveService> stack, Map<String, Object> p, String key,
      List<FieldError> errors) {
    if (!p.containsKey(key)) return List.of();
    var out = new ArrayList<LiveStacks.LiveService>();
    @SuppressWarnings("unchecked")
    var names = (List<String>) p.get(key);
    for (String n : names) {
      String full = n.replace('/', '_');
      var found = stack.stream().filter(s -> s.name().equals(full) || s.shortName().equals(n)).findFirst();
      if (found.isEmpty()) {
        errors.add(new FieldError("parameters." + key, "no service '" + n + "' in stack " + (stack.isEmpty() ? "?" : stack.get(0).stack())
            + "; it has " + String.join(", ", stack.stream().map(LiveStacks.LiveService::name).toList())));
      } else if (!out.contains(found.get())) {
        out.add(found.get());
      }
    }
    return out;
  }

  /** Containers (by ID) under an experiment of this process that is not final. */
  private Set<String> affectedContainers() {
    var out = new HashSet<String>();
    for (var e : mine.values()) {
      if (e.status().status().isFinal()) continue;
      for (var t : e.targets) out.add(t.containerId);
    }
    return out;
  }

  /** {@code count} running containers of {@code target}: those under no other experiment first, then by slot. */
  static List<Target> chooseTargets(LiveStacks.LiveService target, int count, Set<String> affected) {
    var free = new ArrayList<LiveStacks.LiveTask>();
    var busy = new ArrayList<LiveStacks.LiveTask>();
    for (var t : target.running()) (affected.contains(t.containerId()) ? busy : free).add(t);
    free.addAll(busy);
    var out = new ArrayList<Target>();
    for (var t : free.subList(0, Math.min(count, free.size()))) {
      out.add(new Target(target.shortName(), t.slot() - 1, t.containerId(), t.podName(target.name()), t.node()));
    }
    out.sort(java.util.Comparator.comparingInt(t -> t.id));
    return out;
  }

  private void checkBlastRadius(LiveStacks.LiveService target, List<LiveStacks.LiveService> stack, List<Target> targets,
      Set<String> affected) throws ExperimentException.OverBlastRadius {
    if (cap.isNone()) return;
    var stackContainers = new HashSet<String>();
    stack.forEach(s -> s.running().forEach(t -> stackContainers.add(t.containerId())));
    var serviceContainers = new HashSet<String>();
    target.running().forEach(t -> serviceContainers.add(t.containerId()));
    check("all", cap.capOf("all", null), stackContainers, targets, affected, "containers of stack " + target.stack());
    check(target.name(), cap.capOf(target.name(), target.shortName()), serviceContainers, targets, affected,
        "containers of " + target.name());
  }

  private static void check(String scope, String capText, Set<String> scopeContainers, List<Target> targets, Set<String> affected,
      String what) throws ExperimentException.OverBlastRadius {
    if (capText == null) return;
    var would = new HashSet<String>();
    for (String c : affected) if (scopeContainers.contains(c)) would.add(c);
    for (var t : targets) would.add(t.containerId);
    int allowed = BlastCap.allowed(capText, scopeContainers.size());
    if (would.size() > allowed) {
      throw new ExperimentException.OverBlastRadius(scope, capText, allowed, would.size(), "over the blast-radius cap: with this experiment "
          + would.size() + " of " + scopeContainers.size() + " " + what + " would be affected at once; max_affected"
          + (scope.equals("all") ? "" : "." + scope) + " " + capText + " allows " + allowed);
    }
  }

  /** Writes the synthesized files into the state folder, loads and plans them; the loader's problems as field errors. */
  private ExperimentRunner.Launch load(ExperimentRequest r, ScenarioSynthesis.Synthesized synth, List<LiveStacks.LiveService> stack)
      throws ExperimentException {
    String name = "exp-" + r.experimentId();
    Path dir = stateDir.resolve("inputs").resolve(r.experimentId() + "-" + clock.now().toEpochMilli());
    Path scenario = dir.resolve("scenario.yaml");
    Path compose = dir.resolve("docker-compose.yml");
    try {
      Files.createDirectories(dir);
      Files.writeString(scenario, synth.scenarioText());
      Files.writeString(compose, synth.composeText());
    } catch (IOException e) {
      throw new ExperimentException.Unavailable("cannot write the experiment's scenario into " + dir + ": " + e.getMessage());
    }
    try {
      var loaded = ScenarioLoader.load(scenario, compose);
      return new ExperimentRunner.Launch(name, loaded, loaded.plan(null), stack);
    } catch (ScenarioException e) {
      var errors = new ArrayList<FieldError>();
      for (var d : e.diagnostics()) {
        String field = d.file() != null && d.file().equals(scenario) ? synth.fieldByLine().getOrDefault(d.line(), "parameters") : "targetService";
        errors.add(new FieldError(field, d.message()));
      }
      throw new ExperimentException.Invalid(errors);
    }
  }

  private Set<String> storedIds() {
    var ids = new HashSet<String>();
    stored().forEach(e -> ids.add(e.status().experimentId()));
    return ids;
  }

  private List<ExperimentStore.Entry> stored() {
    try {
      return store.read();
    } catch (IOException | RuntimeException e) {
      warn.accept("warning: cannot read " + store.file() + ": " + e.getMessage());
      return List.of();
    }
  }

  /** A status read from the file with its seconds as of now (another process's experiment still running). */
  private ExperimentStatus refreshed(ExperimentStatus s) {
    if (s.status().isFinal()) return s;
    Instant now = clock.now();
    return new ExperimentStatus(s.experimentId(), s.targetService(), s.action(), s.status(), s.injectedAt(), s.rollbackScheduledAt(),
        null, seconds(s.injectedAt(), now), Math.max(0, seconds(now, s.rollbackScheduledAt())), s.safetyMetrics(), s.impactedNodes(),
        s.runId(), s.message());
  }

  /** Non-final experiments in the state file whose process is gone: ABORTED (their agents healed on EOF). */
  private void markOrphans() {
    try {
      store.update(byId -> {
        Instant now = clock.now();
        byId.replaceAll((id, e) -> {
          var s = e.status();
          if (s.status().isFinal() || (e.pid() != pid && ProcessHandle.of(e.pid()).map(ProcessHandle::isAlive).orElse(false))) return e;
          var nodes = s.impactedNodes().stream().map(n -> new ExperimentStatus.ImpactedNode(n.podName(), n.node(),
              "APPLIED".equals(n.faultState()) && !killsForGood(s.action()) ? "HEALED" : n.faultState())).toList();
          return new ExperimentStore.Entry(new ExperimentStatus(s.experimentId(), s.targetService(), s.action(), ExperimentState.ABORTED,
              s.injectedAt(), s.rollbackScheduledAt(), now, seconds(s.injectedAt(), now), 0, s.safetyMetrics(), nodes, s.runId(),
              STOPPED_MESSAGE), e.pid(), e.runDir());
        });
        return byId;
      });
    } catch (IOException | RuntimeException e) {
      warn.accept("warning: cannot update " + store.file() + ": " + e.getMessage());
    }
  }

  private void persist(Exp exp) {
    var status = exp.status();
    var dir = exp.runDir();
    try {
      store.update(byId -> {
        byId.put(status.experimentId(), new ExperimentStore.Entry(status, pid, dir == null ? null : dir.toString()));
        return byId;
      });
    } catch (IOException | RuntimeException e) {
      warn.accept("warning: cannot write " + store.file() + ": " + e.getMessage());
    }
  }

  static long seconds(Instant from, Instant to) {
    if (from == null || to == null) return 0;
    return Math.max(0, Duration.between(from, to).toSeconds());
  }

  /** Whether the action's effect stays after its run (a killed container is not brought back). */
  static boolean killsForGood(ChaosAction a) {
    return a == ChaosAction.KILL || a == ChaosAction.SIGNAL;
  }

  /** A targeted container and its fault's state. */
  static final class Target {
    final String fdslService;
    final int id;
    final String containerId;
    final String podName;
    final String node;
    String faultState = "PENDING";

    Target(String fdslService, int id, String containerId, String podName, String node) {
      this.fdslService = fdslService;
      this.id = id;
      this.containerId = containerId;
      this.podName = podName;
      this.node = node;
    }
  }

  /** One workload line, as the guard's window holds it. */
  private record Sample(Instant time, long ok, long failed, Double p99Ms) {}

  /** One experiment of this process: its state machine, fed by its run's events. */
  private final class Exp implements RunListener {
    final ExperimentRequest request;
    final LiveStacks.LiveService service;
    final List<Target> targets;
    final Instant injectedAt;
    final CompletableFuture<Void> done = new CompletableFuture<>();
    private final ArrayDeque<Sample> samples = new ArrayDeque<>();
    private Instant rollbackAt;
    private ExperimentState state = ExperimentState.INJECTED;
    private Instant endedAt;
    private String message;
    private String runId;
    private Path runDir;
    private ExperimentRunner.Started started;
    private String rollbackReason;
    private String applyFailure;
    private boolean tripped;

    Exp(ExperimentRequest request, LiveStacks.LiveService service, List<Target> targets, Instant injectedAt, Instant rollbackAt) {
      this.request = request;
      this.service = service;
      this.targets = targets;
      this.injectedAt = injectedAt;
      this.rollbackAt = rollbackAt;
    }

    void started(ExperimentRunner.Started s) {
      String reason;
      synchronized (this) {
        started = s;
        reason = rollbackReason;
      }
      if (reason != null) s.abort(reason);
    }

    void rollback(String reason) {
      ExperimentRunner.Started s;
      synchronized (this) {
        if (state.isFinal()) return;
        if (rollbackReason == null) rollbackReason = reason;
        s = started;
      }
      if (s != null) s.abort(reason);
    }

    void awaitFinal(Duration timeout) {
      try {
        done.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (ExecutionException | TimeoutException e) {
        // the status says where it is
      }
    }

    synchronized Path runDir() {
      return runDir;
    }

    synchronized ExperimentStatus status() {
      Instant now = clock.now();
      Instant until = endedAt != null ? endedAt : now;
      var nodes = targets.stream().map(t -> new ExperimentStatus.ImpactedNode(t.podName, t.node, t.faultState)).toList();
      return new ExperimentStatus(request.experimentId(), request.targetService(), request.action(), state, injectedAt, rollbackAt,
          endedAt, seconds(injectedAt, until), state.isFinal() ? 0 : seconds(now, rollbackAt), metrics(now), nodes, runId, message);
    }

    private ExperimentStatus.SafetyMetrics metrics(Instant now) {
      var s = request.safetyThreshold();
      int window = s.windowSeconds() == null ? 5 : s.windowSeconds();
      Instant from = (endedAt != null ? endedAt : now).minusSeconds(window);
      long ok = 0;
      long failed = 0;
      Double p99 = null;
      boolean any = false;
      for (var x : samples) {
        if (x.time().isBefore(from)) continue;
        any = true;
        ok += x.ok();
        failed += x.failed();
        if (x.p99Ms() != null) p99 = p99 == null ? x.p99Ms() : Math.max(p99, x.p99Ms());
      }
      Double rate = any && ok + failed > 0 ? 100.0 * failed / (ok + failed) : null;
      String checks = tripped ? "TRIPPED" : s.isNone() ? "NOT_CONFIGURED" : any ? "PASSING" : "NO_DATA";
      return new ExperimentStatus.SafetyMetrics(rate, any ? p99 : null, checks);
    }

    @Override
    public void deploying(String id, Path dir) {
      synchronized (this) {
        runId = id;
        runDir = dir;
      }
      persist(this);
    }

    @Override
    public void armed(Instant t0, Map<String, AgentMessage.Armed> byHost) {
      synchronized (this) {
        // the agents heal at T0 + duration: that is when the rollback is scheduled, not the estimate given at accept
        rollbackAt = t0.plusSeconds(request.durationSeconds());
      }
      persist(this);
    }

    @Override
    public void actionFired(String host, AgentMessage.Progress p, long elapsedMillis) {
      boolean changed = false;
      ExperimentRunner.Started abortIt = null;
      synchronized (this) {
        if (!"fault".equals(p.action()) || state.isFinal()) return;
        var ids = p.ids() == null ? List.<Integer>of() : p.ids();
        for (var t : targets) {
          if (!t.fdslService.equals(p.service()) || !ids.contains(t.id)) continue;
          t.faultState = "ok".equals(p.outcome()) ? "APPLIED" : "FAILED";
          changed = true;
        }
        if (targets.stream().anyMatch(t -> t.faultState.equals("APPLIED"))) {
          if (state == ExperimentState.INJECTED) state = ExperimentState.RUNNING;
        } else if (targets.stream().allMatch(t -> t.faultState.equals("FAILED"))) {
          applyFailure = "the fault could not be applied on " + String.join(", ", targets.stream().map(t -> t.podName).toList())
              + " (see the run's timeline)";
          abortIt = started;
        }
      }
      if (abortIt != null) abortIt.abort(applyFailure);
      if (changed) persist(this);
    }

    @Override
    public void workloadSample(String host, AgentMessage.WorkloadSample w) {
      synchronized (this) {
        samples.addLast(new Sample(w.time() == null ? clock.now() : w.time(), w.ok() == null ? 0 : w.ok(),
            w.failed() == null ? 0 : w.failed(), w.p99Ms()));
        Instant keep = clock.now().minusSeconds(3600);
        while (!samples.isEmpty() && samples.peekFirst().time().isBefore(keep)) samples.removeFirst();
      }
    }

    @Override
    public void ended(RunCoordinator.Result result) {
      synchronized (this) {
        if (result.runDir() != null && runDir == null) {
          runDir = result.runDir();
          runId = runDir.getFileName().toString();
        }
        endedAt = clock.now();
        boolean anyApplied = targets.stream().anyMatch(t -> t.faultState.equals("APPLIED"));
        if (rollbackReason != null && applyFailure == null && result.outcome() != Outcome.INVALID) {
          state = ExperimentState.ROLLED_BACK;
          message = rollbackReason;
        } else if (applyFailure != null) {
          state = ExperimentState.FAILED;
          message = applyFailure;
        } else if (result.outcome() == Outcome.OK) {
          state = anyApplied ? ExperimentState.ROLLED_BACK : ExperimentState.FAILED;
          message = anyApplied ? "healed at its TTL" : "the fault was never reported applied (see the run's timeline)";
        } else if (result.outcome() == Outcome.ABORTED) {
          state = ExperimentState.ABORTED;
          tripped = safetyTripped(runDir);
          message = result.reason();
        } else {
          state = ExperimentState.FAILED;
          message = result.reason();
        }
        for (var t : targets) {
          if (t.faultState.equals("APPLIED") && !killsForGood(request.action())) t.faultState = "HEALED";
        }
      }
      persist(this);
      done.complete(null);
    }
  }

  /** Whether the run's {@code run.json} records a safety trip. */
  private static boolean safetyTripped(Path runDir) {
    if (runDir == null) return false;
    try {
      var m = RecordJson.mapper().readValue(Files.readString(runDir.resolve("run.json")), RunManifest.class);
      return m.safetyTrip() != null;
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }
}
