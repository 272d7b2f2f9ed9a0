package dev.reprise.agent;

import dev.reprise.agent.collect.Collectors;
import dev.reprise.agent.collect.ContainerDirectory;
import dev.reprise.agent.collect.ProcHostProbe;
import dev.reprise.agent.collect.RecordFiles;
import dev.reprise.agent.heal.HealJournalStore;
import dev.reprise.agent.heal.LeftoverHealer;
import dev.reprise.agent.heal.UndoRunner;
import dev.reprise.agent.heal.Watchdog;
import dev.reprise.agent.inject.FaultJournal;
import dev.reprise.agent.inject.InjectionContext;
import dev.reprise.agent.protocol.AgentMessage;
import dev.reprise.agent.protocol.MasterMessage;
import dev.reprise.agent.protocol.ProtocolCodec;
import dev.reprise.agent.runtime.ContainerRuntime;
import dev.reprise.agent.runtime.EngineInfo;
import dev.reprise.agent.runtime.HostOps;
import dev.reprise.agent.runtime.ServicePlacement;
import dev.reprise.agent.time.ClockOffset;
import dev.reprise.agent.time.ClockSync;
import dev.reprise.agent.time.DisciplinedClock;
import dev.reprise.agent.time.Scheduler;
import dev.reprise.fdsl.model.FaultSpec;
import dev.reprise.fdsl.plan.ContainerAction;
import dev.reprise.fdsl.plan.FaultAction;
import dev.reprise.fdsl.plan.MarkAction;
import dev.reprise.fdsl.plan.Plan;
import dev.reprise.fdsl.plan.PlannedAction;
import dev.reprise.fdsl.plan.PlannedTrigger;
import java.util.Set;
import dev.reprise.fdsl.record.ClockRecord;
import dev.reprise.fdsl.record.RunManifest;
import dev.reprise.fdsl.record.TimelineRecord;
import dev.reprise.time.Clock;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The agent's protocol endpoint and run coordinator: one conversation (hello → preflight → arm → fire → ended)
 * over JSON lines (see README). {@link #run} blocks on one coordinator thread that owns the state
 * ({@link State}) and handles, in order, every incoming message, every due deadline and every
 * finished action — all posted to one inbox. The scheduler only posts; injectors run on a small
 * pool and post their reports back.
 *
 * <p>Every fault with a lasting effect is in the {@link FaultJournal} and is healed on normal end
 * (T0 + plan end), on {@code abort}, on EOF of the input, after 5 s without a heartbeat (dead-man
 * switch, once armed), and when the agent itself fails.
 *
 * <p>Clock: with an {@code ntp_server}, the agent measures its clock at arm and steps it (nothing of
 * the run is scheduled yet), then re-measures every {@link Dependencies#clockResync()} on its own
 * thread and slews the clock by the measured error ({@link DisciplinedClock#slew}), so deadlines
 * keep their order and the clock never jumps while actions are due. A re-measurement whose round
 * trip is far longer than the best seen ({@link #resyncRejection}) is recorded and not applied.
 * Every measurement is a line of {@code clock.jsonl}.
 */
public final class Agent {
  public static final Duration DEAD_MAN = Duration.ofSeconds(5);
  /** Every record is on disk at most this long after it was written (a crash loses at most this much). */
  static final Duration RECORDS_FLUSH = Duration.ofMillis(500);

  /** The coordinator's states. */
  public enum State { IDLE, ARMED, RUNNING, STOPPING, ENDED }

  /**
   * What the agent is built from (real adapters in {@link AgentMain}, fakes in tests).
   *
   * @param placement where the run's services place their FDSL IDs (the orchestrator), and scaling
   * @param clockSync ntp_server (or null) → its clock sync
   * @param clocks a fresh clock for one conversation ({@link #run}), uncorrected until arm
   * @param schedulers clock → a scheduler on it
   * @param clockResync how often to re-measure the clock during a run, when the arm names no interval
   * @param hostProbe null: no host stats
   * @param poolThreads firing threads started at arm (the pool grows beyond them when more targets fire at once)
   * @param healJournalRoot where this host's on-disk heal journal lives ({@link HealJournalStore}); null:
   *     kept in memory only and no watchdog (unit tests with fakes)
   * @param helperPath the agent's native helper binary on this host (extracted on first use), or empty
   */
  public record Dependencies(ContainerRuntime runtime, ServicePlacement placement, HostOps host, ProcHostProbe hostProbe,
      Function<String, ClockSync> clockSync, Supplier<DisciplinedClock> clocks, Function<Clock, Scheduler> schedulers,
      Duration clockResync, int poolThreads, Path healJournalRoot, Supplier<Optional<String>> helperPath) {
    /** With an on-disk heal journal, without the native helper. */
    public Dependencies(ContainerRuntime runtime, ServicePlacement placement, HostOps host, ProcHostProbe hostProbe,
        Function<String, ClockSync> clockSync, Supplier<DisciplinedClock> clocks, Function<Clock, Scheduler> schedulers,
        Duration clockResync, int poolThreads, Path healJournalRoot) {
      this(runtime, placement, host, hostProbe, clockSync, clocks, schedulers, clockResync, poolThreads, healJournalRoot, Optional::empty);
    }

    /** Without an on-disk heal journal. */
    public Dependencies(ContainerRuntime runtime, ServicePlacement placement, HostOps host, ProcHostProbe hostProbe,
        Function<String, ClockSync> clockSync, Supplier<DisciplinedClock> clocks, Function<Clock, Scheduler> schedulers,
        Duration clockResync, int poolThreads) {
      this(runtime, placement, host, hostProbe, clockSync, clocks, schedulers, clockResync, poolThreads, null);
    }
  }

  /** A re-measurement is not applied when its uncertainty exceeds this factor times the best seen... */
  static final double RESYNC_REJECT_FACTOR = 3;
  /** ...plus this margin (milliseconds), so sub-millisecond LAN jitter never rejects a sample. */
  static final double RESYNC_REJECT_MARGIN_MS = 1;

  private final Dependencies deps;
  private final LinkedBlockingQueue<Runnable> inbox = new LinkedBlockingQueue<>();
  private volatile State state = State.IDLE;

  // Owned by the coordinator thread.
  private Writer out;
  private DisciplinedClock clock;
  private Scheduler scheduler;
  private long lastHeartbeatNanos;
  private boolean helloDone;
  /** The most firing threads started at arm; an instant needing more grows the pool. */
  static final int MAX_PRESTARTED_FIRING_THREADS = 32;
  /** Whether a firing thread could not get real-time priority (said once on stderr). */
  private final java.util.concurrent.atomic.AtomicBoolean firingAtNormalPriority = new java.util.concurrent.atomic.AtomicBoolean();
  private String runId;
  private EngineInfo engine;
  private MasterMessage.Arm arm;
  private Plan plan;
  private RecordFiles records;
  private ContainerDirectory directory;
  private FaultJournal journal;
  /** Containers of other hosts, by {@code service/id}, as the master passed on their agents' {@code addresses}. */
  private final java.util.concurrent.ConcurrentHashMap<String, MasterMessage.Peer> remotePeers = new java.util.concurrent.ConcurrentHashMap<>();
  /** The containers whose addresses were reported (each once). */
  private final java.util.Set<String> reportedAddresses = java.util.concurrent.ConcurrentHashMap.newKeySet();
  /** This host's on-disk heal journal (null without {@link Dependencies#healJournalRoot()}); known after hello. */
  private HealJournalStore healStore;
  /** Heals this journal's entries if this process dies before it does (null: none started). */
  private Watchdog watchdog;
  private Collectors collectors;
  /** Firing threads: one per target of an action at its instant (prestarted, grows as needed). */
  private ThreadPoolExecutor pool;
  /** Resolves actions' targets {@link ActionRunner#RESOLVE_AHEAD} before their instants, off the scheduler's thread. */
  private ExecutorService resolver;
  /** Starts the log and stats streams of containers (off the coordinator and the engine's event thread). */
  private ExecutorService follower;
  /** Flushes the record files every {@link #RECORDS_FLUSH}, whatever the coordinator is doing. */
  private ExecutorService flusher;
  private ActionRunner runner;
  private InjectionContext ctx;
  private String endedOutcome;
  private final AtomicInteger healedAtStop = new AtomicInteger();
  private final List<Scheduler.Cancellable> timers = new ArrayList<>();
  private ClockSync clockSync;
  private ExecutorService clockSyncThread;
  private double bestUncertaintyMillis = Double.NaN;
  /** Runs pre-flight checks (which may block for an NTP timeout) off the coordinator and reading threads. */
  private ExecutorService preflightThread;

  public Agent(Dependencies deps) {
    this.deps = deps;
  }

  public State state() {
    return state;
  }

  /**
   * Asks a running conversation to abort (e.g. from a SIGINT hook): heal, flush, {@code ended aborted}.
   * Callable from any thread.
   */
  public void abort(String reason) {
    inbox.add(() -> stop(RunManifest.ABORTED, reason));
  }

  /**
   * Runs one conversation until the agent has sent {@code ended} (or the input ended before arm).
   * Blocks the calling thread, which becomes the coordinator thread.
   *
   * @return the outcome sent in {@code ended}: {@code ok}, {@code failed} or {@code aborted}
   */
  public String run(InputStream in, OutputStream output) {
    out = new OutputStreamWriter(output, StandardCharsets.UTF_8);
    clock = deps.clocks().get();
    scheduler = deps.schedulers().apply(clock);
    lastHeartbeatNanos = clock.nanoTime();
    var reader = new Thread(() -> readLoop(in), "agent-input");
    reader.setDaemon(true);
    reader.start();
    scheduleTick(clock.now().plusSeconds(1));
    try {
      while (state != State.ENDED) {
        var task = inbox.take();
        try {
          task.run();
        } catch (RuntimeException e) {
          send(new AgentMessage.Log("error", "agent error: " + e));
          if (state == State.ARMED || state == State.RUNNING) stop(RunManifest.FAILED, "agent error: " + e);
          else if (state == State.IDLE) end(RunManifest.FAILED, "agent error: " + e, 0);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      stop(RunManifest.ABORTED, "agent interrupted");
    } finally {
      scheduler.close();
      if (pool != null) pool.shutdownNow();
      if (resolver != null) resolver.shutdownNow();
      if (flusher != null) flusher.shutdown();
      if (follower != null) follower.shutdownNow();
      if (clockSyncThread != null) clockSyncThread.shutdownNow();
      if (preflightThread != null) preflightThread.shutdownNow();
    }
    return endedOutcome;
  }

  private void readLoop(InputStream in) {
    try (var r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        var l = line;
        if (!l.isBlank()) inbox.add(() -> onLine(l));
      }
    } catch (IOException e) {
      // a broken pipe is an EOF for us
    }
    inbox.add(this::onEof);
  }

  private void post(Runnable r) {
    inbox.add(r);
  }

  private synchronized void send(AgentMessage m) {
    try {
      out.write(ProtocolCodec.encode(m));
      out.write('\n');
      out.flush();
    } catch (IOException e) {
      // the master is gone; the dead-man switch (EOF) takes it from here
    }
  }

  /** Whether {@code armed} was sent: from then on until {@code ended}, {@link #sendDuringRun} sends. */
  private volatile boolean armedSent;

  /**
   * Sends {@code m} at once from any thread (a log thread's workload sample), only after
   * {@code armed} and before {@code ended} (dropped otherwise): checked under the writer's lock,
   * so it is never written after {@code ended}.
   */
  private synchronized void sendDuringRun(AgentMessage m) {
    if (armedSent && state != State.ENDED) send(m);
  }

  private void onLine(String line) {
    lastHeartbeatNanos = clock.nanoTime();
    MasterMessage m;
    try {
      m = ProtocolCodec.decodeMaster(line);
    } catch (ProtocolCodec.ProtocolException e) {
      send(new AgentMessage.Error(e.getMessage()));
      return;
    }
    if (m instanceof MasterMessage.Hello h) onHello(h);
    else if (m instanceof MasterMessage.Preflight p) onPreflight(p);
    else if (m instanceof MasterMessage.Arm a) onArm(a);
    else if (m instanceof MasterMessage.Peers p) p.peers().forEach(peer -> remotePeers.put(peer.service() + "/" + peer.id(), peer));
    else if (m instanceof MasterMessage.FireMoment f) onFireMoment(f);
    else if (m instanceof MasterMessage.Abort a) stop(RunManifest.ABORTED, a.reason() == null ? "aborted by the master" : a.reason());
    // heartbeats only refresh lastHeartbeatNanos
  }

  private void onHello(MasterMessage.Hello h) {
    if (helloDone) {
      send(new AgentMessage.Error("hello received twice"));
      return;
    }
    if (h.protocol() != AgentMessage.PROTOCOL) {
      send(new AgentMessage.Error("protocol " + h.protocol() + " is not supported; this agent speaks " + AgentMessage.PROTOCOL));
      return;
    }
    try {
      engine = deps.runtime().info();
    } catch (RuntimeException e) {
      send(new AgentMessage.Error("no Docker engine reachable: " + e.getMessage()
          + " (start dockerd, e.g. scripts/setup-docker.sh, or set DOCKER_HOST)"));
      return;
    }
    helloDone = true;
    runId = h.runId();
    healLeftovers();
    send(new AgentMessage.Hello(AgentMessage.PROTOCOL, version(), engine.host(), engine.nodeId(), engine.dockerVersion(),
        engine.kernel(), engine.cores(), engine.memBytes()));
  }

  /**
   * Before anything else in a conversation: heals what an agent of this host that is gone (killed,
   * host rebooted) left in the on-disk heal journal, and says so.
   */
  private void healLeftovers() {
    if (deps.healJournalRoot() == null) return;
    healStore = new HealJournalStore(deps.healJournalRoot(), node());
    try {
      var report = LeftoverHealer.healLeftovers(healStore, new UndoRunner(deps.host(), deps.runtime()));
      if (report.healed() > 0) {
        send(new AgentMessage.Log("warn", "healed " + report.healed() + " fault effect(s) left in " + healStore.dir()
            + " by an agent that did not end its run"));
      }
      report.problems().forEach(p -> send(new AgentMessage.Log("warn", "could not heal a leftover fault effect: " + p)));
    } catch (RuntimeException e) {
      send(new AgentMessage.Log("warn", "cannot read the heal journal " + healStore.dir() + ": " + e.getMessage()));
    }
  }

  /** This host's name in burner markers and the heal journal: its swarm node ID, else its host name. */
  private String node() {
    return engine.nodeId() != null ? engine.nodeId() : engine.host();
  }

  /**
   * {@code preflight} (coordinator thread): the checks run on the pre-flight thread, which posts
   * the report back; meanwhile this thread goes on handling heartbeats. Refused before hello and
   * once armed.
   */
  private void onPreflight(MasterMessage.Preflight p) {
    if (!helloDone) {
      send(new AgentMessage.Error("preflight before hello"));
      return;
    }
    if (state != State.IDLE) {
      send(new AgentMessage.Error("preflight after arm"));
      return;
    }
    if (preflightThread == null) {
      preflightThread = Executors.newSingleThreadExecutor(r -> {
        var t = new Thread(r, "agent-preflight");
        t.setDaemon(true);
        return t;
      });
    }
    var c = clock;
    preflightThread.execute(() -> {
      var report = preflight(p, c);
      post(() -> send(report));
    });
  }

  /**
   * The pre-flight checks (pre-flight thread): the engine (version, swarm membership), the clock
   * against the {@code ntp_server} (measured with {@link ClockSync#probe}, never stepped: that is
   * for arm), and each requested host feature ({@link HostOps#probe}). Every failure is a problem
   * in the report; nothing is thrown.
   */
  private AgentMessage.PreflightReport preflight(MasterMessage.Preflight p, Clock c) {
    var problems = new ArrayList<String>();
    String version = null;
    String swarm = null;
    try {
      var e = deps.runtime().info();
      version = e.dockerVersion();
      swarm = e.nodeId() == null ? "inactive" : e.manager() ? "manager" : "worker";
      if (e.nodeId() == null) problems.add("the Docker engine is not part of a swarm (swarm mode inactive)");
    } catch (RuntimeException e) {
      problems.add("no Docker engine reachable: " + e.getMessage());
    }
    String server = p.ntpServer() == null || p.ntpServer().isBlank() ? null : p.ntpServer();
    Double offset = null;
    Double uncertainty = null;
    if (server != null) {
      try {
        var o = deps.clockSync().apply(server).probe(c);
        offset = o.offsetMillis();
        uncertainty = o.uncertaintyMillis();
      } catch (IOException | RuntimeException e) {
        problems.add("ntp_server " + server + " unreachable: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
      }
    }
    var features = new java.util.LinkedHashMap<String, String>();
    var known = java.util.EnumSet.noneOf(dev.reprise.fdsl.fault.HostFeature.class);
    for (var word : p.features()) {
      var f = dev.reprise.fdsl.fault.HostFeature.ofWord(word);
      if (f == null) {
        features.put(word, "unknown to this agent");
        problems.add("host feature " + word + " is unknown to this agent (version " + version() + "): update the agent");
      } else {
        known.add(f);
      }
    }
    try {
      for (var check : deps.host().probe(known)) {
        features.put(check.feature().word(), check.ok() ? AgentMessage.PreflightReport.OK : "missing: " + check.missing());
        if (!check.ok()) problems.add(check.missing());
      }
    } catch (RuntimeException e) {
      problems.add("cannot check the host features " + known + ": " + e.getMessage());
    }
    return new AgentMessage.PreflightReport(version, swarm, server, offset, uncertainty, features, problems);
  }

  static String version() {
    var v = Agent.class.getPackage().getImplementationVersion();
    return v == null ? "dev" : v;
  }

  private void onArm(MasterMessage.Arm a) {
    if (!helloDone) {
      send(new AgentMessage.Error("arm before hello"));
      return;
    }
    if (state != State.IDLE) {
      send(new AgentMessage.Error("already armed"));
      return;
    }
    var problem = checkArm(a);
    Plan p = null;
    if (problem == null) {
      try {
        p = ProtocolCodec.plan(a);
        problem = checkPlan(p, a);
      } catch (ProtocolCodec.ProtocolException e) {
        problem = e.getMessage();
      }
    }
    if (problem != null) {
      send(new AgentMessage.Error("cannot arm: " + problem));
      return;
    }
    ClockOffset offset;
    clockSync = deps.clockSync().apply(a.ntpServer());
    try {
      offset = clockSync.measure(clock);
    } catch (IOException | RuntimeException e) {
      send(new AgentMessage.Error("cannot arm: clock sync failed: " + e.getMessage()));
      return;
    }
    try {
      records = new RecordFiles(Path.of(a.recordsDir()));
    } catch (IOException e) {
      send(new AgentMessage.Error("cannot arm: cannot create records folder " + a.recordsDir() + ": " + e.getMessage()));
      return;
    }
    arm = a;
    plan = p;
    // Nothing of the run is scheduled yet (only the heartbeat tick), so the one step is safe here.
    if (offset.offsetMillis() != 0) clock.step(offset.offsetMillis());
    directory = new ContainerDirectory(a.services(), deps.placement());
    journal = new FaultJournal(clock, scheduler, this::post, this::onHealed,
        new FaultJournal.Durability(healStore, new UndoRunner(deps.host(), deps.runtime()), a.runId(), node()));
    if (healStore != null) {
      try {
        watchdog = Watchdog.start(deps.healJournalRoot(), node());
      } catch (java.io.IOException e) {
        send(new AgentMessage.Log("warn", "cannot start the heal watchdog (faults left by a crash of this agent are healed"
            + " at its next start only): " + e.getMessage()));
      }
    }
    var runEnd = a.t0().plusMillis(p.endMillis());
    ctx = new InjectionContext(deps.runtime(), deps.host(), journal, a.runId(),
        node(),
        a.faultsDir() == null ? null : Path.of(a.faultsDir()), Duration.ofMillis(stopGraceMs()), runEnd, this::peerAddresses,
        deps.helperPath());
    killLeftoverBurners("before the run");
    // Core threads are started now and a busy pool grows instead of queueing: no action waits for
    // another's engine call, and no thread is created at an instant in the common case.
    // Firing threads run at real-time priority where the host allows it (HostOps.prioritizeCurrentThread):
    // woken at an instant, they make the engine call at once even on a loaded host.
    var host = deps.host();
    // As many started as the busiest instant of the plan may need (bounded): a thread created at an
    // instant would first ask for its priority (a chrt process) before its engine call.
    int core = Math.max(deps.poolThreads(), Math.min(MAX_PRESTARTED_FIRING_THREADS, busiestInstant(p)));
    pool = new ThreadPoolExecutor(core, Integer.MAX_VALUE, 60, TimeUnit.SECONDS, new SynchronousQueue<>(), r -> {
      var t = new Thread(() -> {
        host.prioritizeCurrentThread().ifPresent(why -> {
          if (firingAtNormalPriority.compareAndSet(false, true)) System.err.println("agent: firing threads run at normal priority: " + why);
        });
        r.run();
      }, "agent-firing");
      t.setDaemon(true);
      t.setPriority(Thread.MAX_PRIORITY);
      return t;
    });
    pool.prestartAllCoreThreads();
    resolver = Executors.newSingleThreadExecutor(r -> {
      var t = new Thread(r, "agent-resolver");
      t.setDaemon(true);
      return t;
    });
    follower = Executors.newSingleThreadExecutor(r -> {
      var t = new Thread(r, "agent-follow");
      t.setDaemon(true);
      return t;
    });
    runner = new ActionRunner(ctx, deps.placement(), directory, a.services(), a.manager(), engine.nodeId(), clock);
    collectors = new Collectors(deps.runtime(), directory, records, clock, clock::correctionMillis, engine.host(),
        a.services().values(), Duration.ofMillis(statsIntervalMs()), deps.hostProbe(),
        msg -> send(new AgentMessage.Log("warn", msg)), follower);
    collectors.onRunning(entry -> {
      observeContainer(entry, "running");
      var c = entry.container();
      if (!reportedAddresses.add(c.id())) return;
      follower.execute(() -> {
        try {
          var ips = deps.runtime().addresses(c.id());
          post(() -> send(new AgentMessage.Addresses(entry.fdslService(), entry.id(), c.id(), ips)));
        } catch (RuntimeException e) {
          reportedAddresses.remove(c.id());
        }
      });
    });
    collectors.onWorkloadSample(this::sendDuringRun);
    if (!p.triggers().isEmpty()) watchTriggers(p);
    try {
      collectors.start();
    } catch (RuntimeException e) {
      send(new AgentMessage.Error("cannot arm: cannot follow the engine's events and containers: " + e.getMessage()));
      collectors.close();
      records.close();
      pool.shutdownNow();
      resolver.shutdownNow();
      follower.shutdownNow();
      return;
    }
    flusher = Executors.newSingleThreadExecutor(r -> {
      var t = new Thread(r, "agent-records-flush");
      t.setDaemon(true);
      return t;
    });
    records.flushEvery(RECORDS_FLUSH, clock, scheduler, flusher);
    resolver.execute(() -> deps.runtime().warmUp());
    for (var action : p.actions()) {
      if (p.triggerOf(action.moment()).isPresent()) {
        // fires when the master says its condition held (fire_moment), not at its offset
        gated.computeIfAbsent(action.moment(), k -> new ArrayList<>()).add(action);
        continue;
      }
      var planned = a.t0().plusMillis(action.offsetMillis());
      if (action instanceof MarkAction) {
        timers.add(scheduler.at(planned, () -> post(() -> fire(action, planned))));
        continue;
      }
      var preparation = new CompletableFuture<ActionRunner.Prepared>();
      timers.add(scheduler.at(planned.minus(ActionRunner.RESOLVE_AHEAD), () -> prepareAhead(action, preparation)));
      timers.add(scheduler.at(planned, () -> fireAt(action, planned, preparation)));
    }
    timers.add(scheduler.at(runEnd, () -> post(() -> stop(RunManifest.OK, null))));
    scheduleStats(clock.now().plusMillis(statsIntervalMs()));
    if (offset.server() != null) {
      bestUncertaintyMillis = offset.uncertaintyMillis() == null ? Double.NaN : offset.uncertaintyMillis();
      records.clock(new ClockRecord(clock.now(), engine.host(), offset.server(), ClockRecord.ARM, ClockRecord.STEPPED,
          offset.offsetMillis(), offset.uncertaintyMillis(), clock.correctionMillis(), null));
      if (!resyncInterval().isZero()) {
        clockSyncThread = Executors.newSingleThreadExecutor(r -> {
          var t = new Thread(r, "agent-clock-sync");
          t.setDaemon(true);
          return t;
        });
        scheduleResync(clock.now().plus(resyncInterval()));
      }
    }
    state = State.ARMED;
    var first = p.actions().stream().mapToLong(PlannedAction::offsetMillis).min();
    if (first.isPresent() && clock.now().isAfter(a.t0().plusMillis(first.getAsLong()))) {
      send(new AgentMessage.Log("warn", "armed " + Duration.between(a.t0().plusMillis(first.getAsLong()), clock.now()).toMillis()
          + " ms after the first action's instant (arming lists and inspects every container of the run): the actions "
          + "due meanwhile fire late; give the run a longer arm lead"));
    }
    send(new AgentMessage.Armed(clock.correctionMillis(), offset.uncertaintyMillis(), directory.aliveCounts()));
    synchronized (this) {
      armedSent = true;
      pendingObservations.forEach(this::send); // seen while arming (a log's history): the master judges them now
      pendingObservations.clear();
    }
  }

  /** A triggered moment's actions, by moment, until {@code fire_moment}; only the coordinator thread touches it. */
  private final java.util.Map<Integer, List<PlannedAction>> gated = new java.util.HashMap<>();
  /** {@code moment/container} already reported for a log trigger (a container's first matching line is enough). */
  private final Set<String> observedLines = java.util.concurrent.ConcurrentHashMap.newKeySet();
  /** Observations made before {@code armed} was sent: sent right after it. Guarded by this. */
  private final List<AgentMessage> pendingObservations = new ArrayList<>();

  /** Observes what the plan's triggers are judged from: log lines matching a log trigger's pattern; running/ended containers. */
  private void watchTriggers(Plan p) {
    var logTriggers = p.triggers().stream().filter(t -> PlannedTrigger.LOG.equals(t.condition()))
        .map(t -> java.util.Map.entry(t, java.util.regex.Pattern.compile(t.pattern()))).toList();
    if (!logTriggers.isEmpty()) {
      collectors.onLogLine((entry, line) -> {
        for (var t : logTriggers) {
          if (!t.getKey().service().equals(entry.fdslService()) || !t.getValue().matcher(line.text()).find()) continue;
          if (!observedLines.add(t.getKey().moment() + "/" + entry.container().id())) continue;
          observe(new AgentMessage.TriggerObservation(t.getKey().moment(), PlannedTrigger.LOG, entry.fdslService(), entry.id(),
              entry.container().id(), line.time() == null ? clock.now() : line.time().plusNanos(Math.round(clock.correctionMillis() * 1e6)), line.text()));
        }
      });
    }
    collectors.onEnded(entry -> observeContainer(entry, "ended"));
  }

  /** A container state, for each running trigger on its service. */
  private void observeContainer(ContainerDirectory.Entry entry, String kind) {
    var p = plan;
    if (p == null) return;
    for (var t : p.triggers()) {
      if (!PlannedTrigger.RUNNING.equals(t.condition()) || !t.service().equals(entry.fdslService())) continue;
      observe(new AgentMessage.TriggerObservation(t.moment(), kind, entry.fdslService(), entry.id(), entry.container().id(),
          clock.now(), null));
    }
  }

  private synchronized void observe(AgentMessage m) {
    if (state == State.ENDED) return;
    if (armedSent) send(m); else pendingObservations.add(m);
  }

  /**
   * The master judged a triggered moment's condition held (coordinator thread): its actions fire at
   * once on this agent's containers, {@code f.instant()} their planned instant. Once per moment.
   */
  private void onFireMoment(MasterMessage.FireMoment f) {
    var actions = gated.remove(f.moment());
    if (actions == null || (state != State.ARMED && state != State.RUNNING)) return;
    for (var action : actions) {
      if (action instanceof MarkAction) {
        fire(action, f.instant());
      } else {
        fireAt(action, f.instant(), new CompletableFuture<>());
      }
    }
  }

  private Duration resyncInterval() {
    var d = arm.ntpResyncMs() != null ? Duration.ofMillis(arm.ntpResyncMs()) : deps.clockResync();
    return d == null || d.isNegative() ? Duration.ZERO : d;
  }

  /** The next re-measurement, at {@code at}; it runs on the clock-sync thread and posts its result. */
  private void scheduleResync(Instant at) {
    timers.add(scheduler.at(at, () -> post(() -> {
      if (state != State.ARMED && state != State.RUNNING) return;
      var sync = clockSync;
      clockSyncThread.execute(() -> {
        ClockOffset measured = null;
        String failure = null;
        try {
          measured = sync.measure(clock);
        } catch (IOException | RuntimeException e) {
          failure = e.getMessage() == null ? e.toString() : e.getMessage();
        }
        var m = measured;
        var f = failure;
        post(() -> onResync(m, f));
      });
    })));
  }

  /** A re-measurement came back (coordinator thread): slew by its error, or record why not. */
  private void onResync(ClockOffset measured, String failure) {
    if (state != State.ARMED && state != State.RUNNING) return;
    var server = arm.ntpServer();
    if (measured == null) {
      records.clock(new ClockRecord(clock.now(), engine.host(), server, ClockRecord.RESYNC, ClockRecord.FAILED, null, null,
          clock.correctionMillis(), failure));
      send(new AgentMessage.Log("warn", "clock resync failed, keeping the current correction: " + failure));
    } else {
      var rejection = resyncRejection(measured, bestUncertaintyMillis);
      if (rejection == null) {
        clock.slew(measured.offsetMillis());
        if (measured.uncertaintyMillis() != null && !(measured.uncertaintyMillis() >= bestUncertaintyMillis)) {
          bestUncertaintyMillis = measured.uncertaintyMillis();
        }
      }
      records.clock(new ClockRecord(clock.now(), engine.host(), server, ClockRecord.RESYNC,
          rejection == null ? ClockRecord.SLEWING : ClockRecord.REJECTED, measured.offsetMillis(), measured.uncertaintyMillis(),
          clock.correctionMillis(), rejection));
    }
    scheduleResync(clock.now().plus(resyncInterval()));
  }

  /**
   * Why a re-measurement should not be applied, or null: its uncertainty (half its round trip) is
   * more than {@link #RESYNC_REJECT_FACTOR} times the best seen plus {@link #RESYNC_REJECT_MARGIN_MS}
   * — a congested path whose error could exceed the drift being corrected.
   */
  static String resyncRejection(ClockOffset measured, double bestUncertaintyMillis) {
    var u = measured.uncertaintyMillis();
    if (u == null || Double.isNaN(bestUncertaintyMillis)) return null;
    double limit = RESYNC_REJECT_FACTOR * bestUncertaintyMillis + RESYNC_REJECT_MARGIN_MS;
    if (u <= limit) return null;
    return String.format(java.util.Locale.ROOT,
        "uncertainty %.3f ms is above %.3f ms (%.0f × the best seen, %.3f ms, + %.0f ms): the path is congested; "
            + "keeping the current correction", u, limit, RESYNC_REJECT_FACTOR, bestUncertaintyMillis, RESYNC_REJECT_MARGIN_MS);
  }

  private long statsIntervalMs() {
    return arm.statsIntervalMs() == null || arm.statsIntervalMs() <= 0 ? 1000 : arm.statsIntervalMs();
  }

  private long stopGraceMs() {
    return arm.stopGraceMs() == null || arm.stopGraceMs() < 0 ? 10_000 : arm.stopGraceMs();
  }

  private String checkArm(MasterMessage.Arm a) {
    if (a.runId() == null || a.runId().isBlank()) return "run_id is missing";
    if (runId != null && !runId.equals(a.runId())) return "run_id " + a.runId() + " differs from hello's " + runId;
    if (a.t0() == null) return "t0 is missing";
    if (a.recordsDir() == null || a.recordsDir().isBlank()) return "records_dir is missing";
    if (a.services() == null) return "services is missing";
    return null;
  }

  private static String checkPlan(Plan p, MasterMessage.Arm a) {
    var missing = new HashSet<String>();
    for (var action : p.actions()) {
      if (!(action instanceof ContainerAction c)) continue;
      for (var service : c.services()) {
        if (!a.services().containsKey(service)) missing.add(service);
      }
    }
    return missing.isEmpty() ? null : "services has no swarm service for " + String.join(", ", new java.util.TreeSet<>(missing));
  }

  private void scheduleTick(Instant at) {
    scheduler.at(at, () -> post(() -> onTick(at)));
  }

  private void onTick(Instant at) {
    if (state == State.STOPPING || state == State.ENDED) return;
    send(new AgentMessage.Heartbeat(clock.now()));
    if ((state == State.ARMED || state == State.RUNNING) && clock.nanoTime() - lastHeartbeatNanos > DEAD_MAN.toNanos()) {
      send(new AgentMessage.Log("error", "no heartbeat from the master for " + DEAD_MAN.toSeconds() + " s: healing and stopping"));
      stop(RunManifest.ABORTED, "dead-man switch: no heartbeat from the master for " + DEAD_MAN.toSeconds() + " s");
      return;
    }
    // Absolute deadlines: the next tick is one second after this one's deadline, not after now.
    var next = at.plusSeconds(1);
    scheduleTick(next.isBefore(clock.now()) ? clock.now().plusMillis(1) : next);
  }

  private void scheduleStats(Instant at) {
    timers.add(scheduler.at(at, () -> post(() -> {
      if (state != State.ARMED && state != State.RUNNING) return;
      collectors.sampleHost();
      scheduleStats(at.plusMillis(statsIntervalMs()));
    })));
  }

  /** A mark, at its instant (coordinator thread): recorded by the manager's agent. */
  private void fire(PlannedAction action, Instant planned) {
    if (state != State.ARMED && state != State.RUNNING) return;
    state = State.RUNNING;
    if (action instanceof MarkAction m) {
      if (!arm.manager()) return; // one agent records marks: the manager's
      var actual = clock.now();
      records.timeline(new TimelineRecord(TimelineRecord.KIND_MARK, m.seq(), null, null, null, null, null, null, null, planned,
          actual, engine.host(), TimelineRecord.OK, null, m.text(), null, null));
      progress(new ActionRunner.Report(m, null, planned, actual, null, null, null, null, null,
          dev.reprise.agent.inject.Outcome.OK, null, null));
    }
  }

  /** Scheduler thread, {@link ActionRunner#RESOLVE_AHEAD} before the instant: resolution goes to the resolver thread. */
  private void prepareAhead(PlannedAction action, CompletableFuture<ActionRunner.Prepared> preparation) {
    try {
      resolver.execute(() -> {
        try {
          preparation.complete(runner.prepare(action));
        } catch (RuntimeException e) {
          preparation.completeExceptionally(e);
        }
      });
    } catch (RejectedExecutionException e) {
      // stopping: the action will not fire
    }
  }

  /**
   * The instant of a container action (scheduler thread): hands its targets to the firing pool at
   * once. The coordinator only learns of it afterwards ({@code RUNNING}, the report), so nothing it
   * is doing can delay a fire. An action whose resolution is not ready resolves on its firing thread.
   */
  private void fireAt(PlannedAction action, Instant planned, CompletableFuture<ActionRunner.Prepared> preparation) {
    var s = state;
    if (s != State.ARMED && s != State.RUNNING) return;
    try {
      var p = preparation.isDone() && !preparation.isCompletedExceptionally() ? preparation.join() : null;
      if (p != null) {
        runner.fire(p, planned, pool, this::onDone);
      } else {
        pool.execute(() -> {
          ActionRunner.Prepared late;
          try {
            late = runner.prepare(action);
          } catch (RuntimeException e) {
            onDone(new ActionRunner.Report(action, serviceOf(action), planned, clock.now(), null, null, idsOf(action), null, null,
                dev.reprise.agent.inject.Outcome.unknown("agent error while firing: " + e), null, null));
            return;
          }
          runner.fire(late, planned, pool, this::onDone);
        });
      }
    } catch (RejectedExecutionException e) {
      return; // the agent is stopping: the pool takes no new work
    }
    post(() -> {
      if (state == State.ARMED) state = State.RUNNING;
    });
  }

  private static String serviceOf(PlannedAction a) {
    return a instanceof ContainerAction c ? c.service() : null;
  }

  private static List<Integer> idsOf(PlannedAction a) {
    return a instanceof ContainerAction c ? c.ids() : null;
  }

  /**
   * An action's report, on the firing thread that finished it: its timeline record is written at
   * once (whatever the coordinator is doing), then the coordinator sends the progress message.
   */
  private void onDone(ActionRunner.Report r) {
    var a = r.action();
    Optional<FaultSpec> injected = a instanceof ContainerAction c ? c.injectedFault() : Optional.empty();
    String fault = injected.map(FaultSpec::type).orElse(null);
    String label = injected.map(FaultSpec::label).orElse(null);
    records.timeline(new TimelineRecord(TimelineRecord.KIND_ACTION, a.seq(), a.action(), fault, label, r.service(), r.ids(),
        r.containers(), r.nodes(), r.planned(), r.actual(), engine.host(), r.outcome().status(), r.outcome().error(), null, r.exitCode(),
        r.output(), r.issued(), r.acknowledged(), r.mechanism()));
    post(() -> progress(r));
  }

  private void progress(ActionRunner.Report r) {
    double errorMs = Duration.between(r.planned(), r.actual()).toNanos() / 1e6;
    send(new AgentMessage.Progress(clock.now(), r.action().seq(), r.action().action(), r.service(), r.ids(),
        r.outcome().status(), errorMs, directory.aliveCounts()));
  }

  private void onHealed(FaultJournal.Healed h) {
    if (state == State.STOPPING) healedAtStop.incrementAndGet();
    records.timeline(new TimelineRecord(TimelineRecord.KIND_HEAL, h.seq(), FaultAction.ACTION, h.fault(), h.label(),
        h.service(), h.id() == null ? null : List.of(h.id()), h.container() == null ? null : List.of(h.container()),
        null, null, h.time(), engine.host(), h.outcome().status(), h.outcome().error(), null, null, null, null, null, h.mechanism()));
  }

  private void killLeftoverBurners(String when) {
    try {
      var left = deps.host().findMarked(ctx.burnerMarker());
      if (!left.isEmpty()) {
        left.forEach(deps.host()::kill);
        send(new AgentMessage.Log("warn", "killed " + left.size() + " leftover CPU burner(s) of run " + arm.runId() + " " + when));
      }
    } catch (RuntimeException e) {
      send(new AgentMessage.Log("warn", "cannot look for leftover CPU burners: " + e.getMessage()));
    }
  }

  private void onEof() {
    if (state == State.STOPPING || state == State.ENDED) return;
    if (state == State.IDLE) {
      end(RunManifest.ABORTED, "the master closed the connection before arm", 0);
      return;
    }
    stop(RunManifest.ABORTED, "dead-man switch: the master's connection closed (EOF on input)");
  }

  /** Heals everything, waits for in-flight actions, flushes, sends {@code ended}. Coordinator thread only. */
  private void stop(String outcome, String reason) {
    if (state == State.STOPPING || state == State.ENDED) return;
    if (state == State.IDLE) {
      end(outcome, reason, 0);
      return;
    }
    state = State.STOPPING;
    timers.forEach(Scheduler.Cancellable::cancel);
    journal.healAll();
    resolver.shutdownNow();
    pool.shutdown();
    try {
      // In-flight actions end quickly once healed (a killed script); a stop may take its grace period.
      if (!pool.awaitTermination(stopGraceMs() + 15_000, TimeUnit.MILLISECONDS)) {
        send(new AgentMessage.Log("warn", "some actions were still running at stop: interrupted, recorded as unknown"));
        pool.shutdownNow();
        // An interrupted fire records itself as unknown; give it the moment to do so.
        pool.awaitTermination(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    // Reports of actions that finished meanwhile (their records still belong to the run).
    Runnable pending;
    while ((pending = inbox.poll()) != null) {
      try {
        pending.run();
      } catch (RuntimeException e) {
        send(new AgentMessage.Log("warn", "while stopping: " + e));
      }
    }
    killLeftoverBurners("at the end (not in the journal)");
    stopWatchdog();
    collectors.close();
    records.close();
    end(outcome, reason, healedAtStop.get());
  }

  /**
   * The addresses of FDSL ID {@code id} of {@code service} (firing threads): a container of this
   * host, found through the directory or, when it does not know it yet, the engine; else a
   * container of another host, as its agent reported it through the master ({@code peers}).
   */
  private List<String> peerAddresses(String service, int id) {
    var known = directory.find(service, id);
    if (known.isEmpty() || !known.get().container().running()) {
      var swarm = arm.services().get(service);
      if (swarm == null) throw new dev.reprise.agent.runtime.RuntimeFailure("no service '" + service + "' in this run");
      for (var c : deps.runtime().containers(List.of(swarm))) directory.update(c);
      known = directory.find(service, id);
    }
    if (known.isEmpty()) {
      var remote = remotePeers.get(service + "/" + id);
      if (remote != null && !remote.addresses().isEmpty()) return remote.addresses();
      throw new dev.reprise.agent.runtime.RuntimeFailure(service + " ID " + id + " is not running on this host (" + engine.host()
          + ") and no other host's agent reported its addresses");
    }
    var c = known.get().container();
    if (!c.running()) throw new dev.reprise.agent.runtime.RuntimeFailure(service + " ID " + id + ": " + c.describe() + " is not running");
    var ips = deps.runtime().addresses(c.id());
    if (ips.isEmpty()) throw new dev.reprise.agent.runtime.RuntimeFailure(service + " ID " + id + " (" + c.describe() + ") has no IPv4 address");
    return ips;
  }

  /** Ends the watchdog once this agent's heal journal entries are all healed (else it stays, to retry them). */
  private void stopWatchdog() {
    if (watchdog == null) return;
    var problems = new ArrayList<String>();
    long mine = healStore.list(problems).stream().filter(st -> st.entry().agentPid() == ProcessHandle.current().pid()).count();
    if (mine == 0) {
      watchdog.stop();
    } else {
      send(new AgentMessage.Log("warn", mine + " fault effect(s) could not be healed; they stay in " + healStore.dir()
          + " and the heal watchdog retries them when this agent exits"));
    }
  }

  private void end(String outcome, String reason, int healed) {
    endedOutcome = outcome;
    state = State.ENDED;
    send(new AgentMessage.Ended(outcome, reason, healed));
  }

  /**
   * The most targets any one instant of {@code plan} has, over every host (an upper bound for this
   * one): each container action counts its IDs (at least one), any other action one.
   */
  static int busiestInstant(dev.reprise.fdsl.plan.Plan plan) {
    var perInstant = new java.util.HashMap<Long, Integer>();
    for (var a : plan.actions()) {
      int targets = a instanceof ContainerAction c ? Math.max(1, c.ids().size()) : 1;
      perInstant.merge(a.offsetMillis(), targets, Integer::sum);
    }
    return perInstant.values().stream().mapToInt(Integer::intValue).max().orElse(0);
  }
}
