package dev.reprise.master.run;

import com.fasterxml.jackson.databind.JsonNode;
import dev.reprise.agent.protocol.AgentMessage;
import dev.reprise.agent.protocol.MasterMessage;
import dev.reprise.fdsl.fault.FaultTypes;
import dev.reprise.fdsl.fault.HostFeature;
import dev.reprise.fdsl.plan.ContainerAction;
import dev.reprise.fdsl.plan.PlanJson;
import dev.reprise.fdsl.record.ClockRecord;
import dev.reprise.fdsl.record.RecordJson;
import dev.reprise.fdsl.record.RunManifest;
import dev.reprise.master.agentlink.AgentConnection;
import dev.reprise.master.merge.RecoveredRecords;
import dev.reprise.master.merge.RunCollector;
import dev.reprise.fdsl.ScenarioException;
import dev.reprise.master.orchestrator.DeployException;
import dev.reprise.master.orchestrator.Orchestrator;
import dev.reprise.master.orchestrator.OrchestratorException;
import dev.reprise.master.orchestrator.OrchestratorUnreachableException;
import dev.reprise.master.run.time.Ticker;
import dev.reprise.time.Time;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Runs one scenario on a swarm with the run's agents ({@link RunAgents}: on the local engine one, a
 * child process of the master; or one per host over SSH, with {@code cluster} reaching the
 * manager's engine), talking to them through one {@link AgentSession}: translate the compose file, make sure a swarm exists, create the run folder and {@code run.json},
 * start the agents, hello → pre-flight (every host's engine, clock against the {@code ntp_server}
 * and the host features the scenario's fault types need, checked at once; any problem ends the run
 * {@link Outcome#ENVIRONMENT} listing them all, nothing deployed, the empty run folder removed),
 * deploy, wait for the initial containers, arm the same agents (one T0 for all) → heartbeats and progress →
 * {@code ended} from every agent, collect the hosts' records (multi-host only; for a host whose agent
 * was lost, also what the orchestrator still holds of its containers), rewrite
 * {@code run.json}, remove the stack, export. Everything it tells the world goes to its
 * {@link RunListener}s (it prints nothing itself); how it ended is a {@link Result} with an
 * {@link Outcome}.
 *
 * <p>A single-threaded state machine ({@link State}, the allowed moves in {@link #TRANSITIONS}):
 * {@link #run} is called once, on one thread, which drives every step and handles the agents'
 * events ({@link AgentSession}) as they come. The only other thread that takes part is whoever
 * aborts, through the {@link AbortSignal} (a {@link RunHandle}, the CLI's shutdown hook): it asks
 * for an abort and may wait until this coordinator has healed (via the agents), removed the stack
 * and written the run folder. The stack is removed on every path once deploying began.
 */
public final class RunCoordinator {

  /**
   * Where the run is. Transitions only go forward; {@link #DONE} is reached on every path.
   * The agents are started ({@link #CONNECTING_AGENT}) and checked ({@link #PREFLIGHT}) before
   * anything is deployed; the same agents then arm. A run that cannot arm goes from there to
   * {@link #STOPPING_AGENT} and {@link #DONE}, nothing deployed. {@link #COLLECTING_RECORDS} only in
   * a multi-host run ({@link RunAgents#remote()}).
   */
  public enum State {
    NEW, CHECKING_ENGINE, CREATING_FOLDER, CONNECTING_AGENT, PREFLIGHT, DEPLOYING, WAITING_FOR_CONTAINERS, ARMING, RUNNING,
    STOPPING_AGENT, COLLECTING_RECORDS, REMOVING_STACK, EXPORTING, DONE
  }

  /**
   * Every move the coordinator may make; {@link State#DONE} may follow any state (a run ends on
   * every path). A move not listed is a bug of ours ({@link IllegalStateException}).
   */
  static final Map<State, Set<State>> TRANSITIONS = transitions();

  private static Map<State, Set<State>> transitions() {
    var t = new EnumMap<State, Set<State>>(State.class);
    t.put(State.NEW, EnumSet.of(State.CHECKING_ENGINE));
    t.put(State.CHECKING_ENGINE, EnumSet.of(State.CREATING_FOLDER));
    t.put(State.CREATING_FOLDER, EnumSet.of(State.CONNECTING_AGENT));
    t.put(State.CONNECTING_AGENT, EnumSet.of(State.PREFLIGHT, State.STOPPING_AGENT));
    t.put(State.PREFLIGHT, EnumSet.of(State.DEPLOYING, State.STOPPING_AGENT));
    t.put(State.DEPLOYING, EnumSet.of(State.WAITING_FOR_CONTAINERS, State.STOPPING_AGENT));
    t.put(State.WAITING_FOR_CONTAINERS, EnumSet.of(State.ARMING, State.STOPPING_AGENT));
    t.put(State.ARMING, EnumSet.of(State.RUNNING, State.STOPPING_AGENT));
    t.put(State.RUNNING, EnumSet.of(State.STOPPING_AGENT));
    t.put(State.STOPPING_AGENT, EnumSet.of(State.COLLECTING_RECORDS, State.REMOVING_STACK));
    t.put(State.COLLECTING_RECORDS, EnumSet.of(State.REMOVING_STACK));
    t.put(State.REMOVING_STACK, EnumSet.of(State.EXPORTING));
    t.put(State.EXPORTING, EnumSet.noneOf(State.class));
    t.put(State.DONE, EnumSet.noneOf(State.class));
    t.values().forEach(next -> next.add(State.DONE));
    t.get(State.DONE).remove(State.DONE);
    return java.util.Collections.unmodifiableMap(t);
  }

  /** Starts the one agent of a run on the local engine (a child process of the master; a fake in tests). */
  @FunctionalInterface
  public interface AgentLauncher {
    AgentConnection start(String runId) throws IOException;
  }

  /** Turns a finished run folder into reports ({@code dashboard-export}). */
  @FunctionalInterface
  public interface RunExporter {
    void export(Path runDir) throws Exception;
  }

  /**
   * How the run ended.
   *
   * @param outcome {@link Outcome#INVALID} / {@link Outcome#ENVIRONMENT} when nothing ran
   * @param reason why it did not end {@code ok}; null when it did
   * @param runDir the run folder, null when none was created
   */
  public record Result(Outcome outcome, String reason, Path runDir) {}

  private final Orchestrator orchestrator;
  private final RunAgents agents;
  private final RunExporter exporter;
  private final Time time;
  private final Ticker ticker;
  private final RunListener listeners;
  private final RunSettings settings;
  private final AbortSignal abort;
  private final List<State> history = new ArrayList<>();
  private State state = State.NEW;

  /** The local engine: one agent, started by {@code agents}, writing into the run folder. */
  public RunCoordinator(Orchestrator orchestrator, AgentLauncher agents, RunExporter exporter, Time time, Ticker ticker,
      RunSettings settings, AbortSignal abort, List<RunListener> listeners) {
    this(orchestrator, RunAgents.local(agents), exporter, time, ticker, settings, abort, listeners);
  }

  /**
   * Any agents: {@code orchestrator} deploys on the cluster (on Swarm through the manager's engine,
   * possibly reached through an SSH forward), {@code agents} the run's agents (one per host over SSH in a multi-host run),
   * {@code ticker} the thread the agents' heartbeats go out on.
   */
  public RunCoordinator(Orchestrator orchestrator, RunAgents agents, RunExporter exporter, Time time, Ticker ticker,
      RunSettings settings, AbortSignal abort, List<RunListener> listeners) {
    this.orchestrator = orchestrator;
    this.agents = agents;
    this.exporter = exporter;
    this.time = time;
    this.ticker = ticker;
    this.listeners = new Fanout(List.copyOf(listeners));
    this.settings = settings;
    this.abort = abort;
  }

  public State state() {
    return state;
  }

  /** Every state this coordinator went through, in order (for tests and diagnostics). */
  public List<State> history() {
    return List.copyOf(history);
  }

  private void enter(State next) {
    if (!TRANSITIONS.get(state).contains(next)) throw new IllegalStateException("no move from " + state + " to " + next);
    State from = state;
    state = next;
    history.add(next);
    listeners.stateChanged(from, next);
  }

  /** A line for the listeners; its level follows its prefix ({@code error: }, {@code warning: }). */
  private void say(String line) {
    var level = line.startsWith("error: ") ? RunListener.Level.ERROR
        : line.startsWith("warning: ") ? RunListener.Level.WARNING : RunListener.Level.INFO;
    listeners.message(level, line);
  }

  /** Carries out the run; never throws for run failures (they are in the result). Call once. */
  public Result run(RunRequest request) {
    return run(request, null);
  }

  /**
   * Carries out the run with its compose file already translated by the caller ({@code master run
   * --hosts} translates before the hosts are set up, to ship the stack's images), so it is not
   * translated again; {@code translated} null translates here (once; an invalid compose file ends
   * the run {@link Outcome#INVALID} before the cluster is contacted). Call once.
   */
  public Result run(RunRequest request, Orchestrator.Translation translated) {
    if (state != State.NEW) throw new IllegalStateException("a RunCoordinator runs once");
    Result result = null;
    try {
      result = doRun(request, translated);
      return result;
    } finally {
      for (var note : abort.drainNotes()) listeners.message(note.level(), note.text());
      enter(State.DONE);
      if (result != null) listeners.ended(result);
      abort.finished();
    }
  }

  private Result doRun(RunRequest req, Orchestrator.Translation translated) {
    Instant start = time.now();
    // The folder's name is the run's ID and the stack's name; it is created only once the input is valid.
    enter(State.CHECKING_ENGINE);
    Orchestrator.Translation translation = translated;
    if (translation == null) {
      try {
        translation = orchestrator.translate(req.composeFile(), req.composeText(), req.plan().beginning(),
            req.keepRestartPolicies());
      } catch (ScenarioException e) {
        e.diagnostics().forEach(p -> listeners.message(RunListener.Level.ERROR, p.toString()));
        return new Result(Outcome.INVALID, e.diagnostics().size() + " problem(s) in " + req.composeFile(), null);
      }
      translation.warnings().forEach(w -> listeners.message(RunListener.Level.WARNING, w.toString()));
    }
    if (agents.remote() && isLoopback(req.ntpServer())) {
      say("warning: ntp_server " + req.ntpServer() + " is a loopback address: each host measures its clock against "
          + "itself, not against one shared clock; name an address every host reaches");
    }

    Orchestrator.Cluster engine;
    try {
      engine = orchestrator.prepare();
      if (engine.prepared() != null) say(engine.prepared());
    } catch (OrchestratorUnreachableException e) {
      say("error: " + e.getMessage());
      return new Result(Outcome.ENVIRONMENT, e.getMessage(), null);
    } catch (OrchestratorException e) {
      say("error: " + e.getMessage());
      return new Result(Outcome.ENVIRONMENT, e.getMessage(), null);
    }
    if (abort.aborted()) return new Result(Outcome.ABORTED, abort.reason(), null);

    enter(State.CREATING_FOLDER);
    Path runDir;
    try {
      runDir = RunFolders.create(req.outDir(), req.name(), start, translation.stack().maxNameLength()).toAbsolutePath();
    } catch (IOException e) {
      say("error: cannot create the run folder under " + req.outDir() + ": " + e.getMessage());
      return new Result(Outcome.ENVIRONMENT, e.getMessage(), null);
    }
    String runId = runDir.getFileName().toString();
    // the folder keeps the user's dots; swarm's names may not have them
    Orchestrator.Stack stack = translation.stack().named(RunFolders.stackName(runId));
    orchestrator.warnings(stack).forEach(this::say);

    var manifest = new Manifest(req, runId, start);
    try {
      manifest.recordInputs(runDir, stack);
    } catch (IOException e) {
      say("error: cannot copy the run's inputs into " + runDir.resolve(INPUTS) + ": " + e.getMessage());
      return new Result(Outcome.FAILED, e.getMessage(), runDir);
    }
    try {
      manifest.write(runDir, null, List.of(), RunManifest.RUNNING, null, null);
    } catch (IOException e) {
      say("error: cannot write " + runDir.resolve("run.json") + ": " + e.getMessage());
      return new Result(Outcome.FAILED, e.getMessage(), runDir);
    }
    String outcome;
    String reason = null;
    Instant t0 = null;
    List<RunManifest.HostInfo> hosts = List.of();
    boolean armed = false;
    var session = new Conversation(req, runId, runDir, stack, engine);
    // Why the run cannot arm (nothing is deployed yet), and how that ends it.
    String notArmable;
    Outcome o = Outcome.ENVIRONMENT;
    enter(State.CONNECTING_AGENT);
    try {
      notArmable = session.connect();
    } catch (IOException e) {
      notArmable = (agents.remote() ? "cannot start the agents: " : "cannot start the agent: ") + e.getMessage();
    } catch (InterruptedException e) {
      notArmable = abort.reason() != null ? abort.reason() : "interrupted";
      o = Outcome.ABORTED;
    } catch (RuntimeException e) {
      notArmable = "internal error: " + e; // a bug of ours, not the environment
      o = Outcome.FAILED;
    }
    if (notArmable != null) {
      enter(State.STOPPING_AGENT);
      session.close();
      if (o != Outcome.ABORTED) say("error: " + notArmable);
      Path kept = discardFolder(runDir, manifest, o, notArmable);
      say("run " + runId + ": " + o + ", nothing deployed" + (kept == null ? "" : "; kept " + kept + " (it holds records)"));
      return new Result(o, notArmable, kept);
    }

    listeners.deploying(runId, runDir);
    say("run " + runId + ": deploying stack " + stack.name() + " (" + stack.serviceNames().size() + " service(s)) on "
        + engine.hostname());
    try {
      enter(State.DEPLOYING);
      orchestrator.deploy(stack);
      enter(State.WAITING_FOR_CONTAINERS);
      orchestrator.awaitInitialContainers(stack, settings.containersTimeout(), abort::aborted);
      if (abort.aborted()) throw new InterruptedException(abort.reason());
      session.converse(manifest);
      t0 = session.t0;
      hosts = session.hosts;
      armed = session.armed;
      outcome = session.outcome;
      reason = session.reason;
    } catch (DeployException e) {
      say("error: " + e.getMessage());
      outcome = RunManifest.FAILED;
      reason = e.getMessage();
    } catch (InterruptedException e) {
      outcome = RunManifest.ABORTED;
      reason = abort.reason() != null ? abort.reason() : "interrupted";
    } catch (OrchestratorException e) {
      say("error: " + e.getMessage());
      outcome = RunManifest.FAILED;
      reason = e.getMessage();
    } catch (IOException e) {
      say("error: " + e.getMessage());
      outcome = RunManifest.FAILED;
      reason = e.getMessage();
    } catch (RuntimeException e) {
      // a bug of ours: still heal (the agent link is closed), remove the stack and write the folder
      say("error: " + e);
      outcome = RunManifest.FAILED;
      reason = "internal error: " + e;
    } finally {
      enter(State.STOPPING_AGENT);
      session.close();
    }
    if (hosts.isEmpty()) hosts = session.preflightHosts();

    if (agents.remote() && session.armSent) {
      enter(State.COLLECTING_RECORDS);
      try {
        var missing = agents.collect(runDir, runId);
        if (!missing.isEmpty()) {
          missing.forEach(m -> say("warning: " + m));
          String why = "the records of some hosts are missing (" + String.join("; ", missing) + "); retry with `master collect "
              + runDir + " --hosts FILE`";
          if (RunManifest.OK.equals(outcome)) outcome = RunManifest.FAILED;
          reason = reason == null ? why : reason + "; " + why;
        } else {
          say("run " + runId + ": collected and merged the records of " + hosts.size() + " host(s)");
        }
      } catch (IOException | RuntimeException e) {
        say("error: cannot collect the records: " + e.getMessage());
        if (RunManifest.OK.equals(outcome)) outcome = RunManifest.FAILED;
        reason = (reason == null ? "" : reason + "; ") + "cannot collect the records: " + e.getMessage();
      }
      recoverLostHosts(runDir, runId, stack, session, start);
    }

    hosts = withClockResyncs(runDir, hosts);
    try {
      manifest.write(runDir, t0, hosts, outcome, reason, time.now());
    } catch (IOException e) {
      say("error: cannot rewrite " + runDir.resolve("run.json") + ": " + e.getMessage());
    }

    enter(State.REMOVING_STACK);
    var removal = orchestrator.remove(stack.name(), settings.removeTimeout());
    if (removal.problems().isEmpty()) {
      say("run " + runId + ": removed stack " + stack.name() + " (" + removal.services().size() + " service(s), "
          + removal.networks().size() + " network(s))");
    } else {
      say("warning: stack " + stack.name() + " was not removed completely:");
      removal.problems().forEach(p -> listeners.message(RunListener.Level.WARNING, "  " + p));
    }

    if (req.export() && armed && !RunManifest.ABORTED.equals(outcome)) {
      enter(State.EXPORTING);
      try {
        exporter.export(runDir);
      } catch (Exception e) {
        say("warning: export failed (the run folder is complete; retry with `master export " + runDir + "`): " + e);
      }
    }
    say("run " + runId + ": " + outcome + (reason == null ? "" : " (" + firstLine(reason) + ")"));
    return new Result(Outcome.ofWord(outcome), reason, runDir);
  }

  /**
   * Before the stack is removed: for every host whose agent was lost mid-run, asks the orchestrator
   * for what it still holds of that host's containers (their logs since the run began, their state)
   * and writes it beside what was collected from the host ({@link RecoveredRecords}), then merges the
   * run's records again. What cannot be recovered is a warning; it never changes the outcome (the
   * loss already failed the run). Skipped when the run was aborted (the abort waits for the removal).
   */
  private void recoverLostHosts(Path runDir, String runId, Orchestrator.Stack stack, Conversation c, Instant since) {
    var lost = c.session == null ? Map.<String, String>of() : c.session.lost();
    if (lost.isEmpty()) return;
    if (abort.aborted()) {
      // whoever aborted waits for the stack's removal; reading every lost container's log would delay it
      say("warning: the run was aborted: what the orchestrator holds of lost host(s) " + String.join(", ", lost.keySet())
          + " is not recovered");
      return;
    }
    boolean wrote = false;
    for (String h : lost.keySet()) {
      String node = c.nodeIds.getOrDefault(h, h);
      try {
        var salvage = orchestrator.salvage(stack, node, since);
        var written = RecoveredRecords.write(runDir.resolve("hosts").resolve(h), h, salvage);
        wrote |= !written.nothing();
        salvage.problems().forEach(p -> say("warning: lost host " + h + ": " + p));
        say("run " + runId + ": recovered from the orchestrator for lost host " + h + ": " + salvage.containers().size()
            + " container(s), " + written.events() + " container event(s), " + written.logLines() + " log line(s) the agent had not recorded");
      } catch (IOException | RuntimeException e) {
        say("warning: cannot recover what the orchestrator holds of lost host " + h + "'s containers: " + e.getMessage());
      }
    }
    if (!wrote) return;
    try {
      RunCollector.mergeHosts(runDir);
    } catch (IOException | RuntimeException e) {
      say("warning: cannot merge the records recovered for the lost host(s) (retry with `master collect " + runDir
          + " --hosts FILE`): " + e.getMessage());
    }
  }

  /**
   * The coordinator's side of the conversation with the run's agents ({@link AgentSession}): hello
   * and pre-flight before the deploy ({@link #connect}), arm (one T0 for all) after it, then the run loop on this thread — progress, the silence and end
   * watchdogs, aborts — until every agent ended or was lost. A host whose agent's stream closes
   * mid-run is lost: the others go on, the run fails, and the reason names the lost hosts. A
   * refusal, an error, silence or the end deadline abort all of them.
   */
  private final class Conversation {
    final RunRequest req;
    final String runId;
    final Path runDir;
    final Orchestrator.Stack stack;
    final Orchestrator.Cluster engine;
    AgentSession session;
    Map<String, AgentMessage.Hello> hellos;
    Map<String, AgentMessage.PreflightReport> reports;
    Instant t0;
    List<RunManifest.HostInfo> hosts = List.of();
    /** host → its node ID in the cluster, as its hello said (hosts whose hello had none are absent). */
    final Map<String, String> nodeIds = new java.util.HashMap<>();
    boolean started;
    /** Arm went out: some agents may have recorded (multi-host: their records are collected). */
    boolean armSent;
    boolean armed;
    String outcome = RunManifest.FAILED;
    String reason;

    Conversation(RunRequest req, String runId, Path runDir, Orchestrator.Stack stack, Orchestrator.Cluster engine) {
      this.req = req;
      this.runId = runId;
      this.runDir = runDir;
      this.stack = stack;
      this.engine = engine;
    }

    /**
     * Starts the agents, says hello and runs pre-flight on every host at once; null when every host
     * can arm, else why not: every host's every problem, in one sentence. Nothing is deployed yet.
     */
    String connect() throws IOException, InterruptedException {
      session = AgentSession.open(agents.start(runId, engine), time, ticker, settings.heartbeat()).cancelWhen(abort::reason);
      started = true;
      try {
        hellos = session.hello(runId, settings.helloTimeout(), this::other);
        hellos.forEach((h, hello) -> {
          if (hello.nodeId() != null) nodeIds.put(h, hello.nodeId());
        });
      } catch (AgentSession.Failed e) {
        return e.getMessage();
      }
      enter(State.PREFLIGHT);
      var features = FaultTypes.hostFeatures(req.plan().actions().stream()
          .flatMap(a -> a instanceof ContainerAction c ? c.injectedFault().stream() : java.util.stream.Stream.empty()).toList());
      var ask = new MasterMessage.Preflight(req.ntpServer(), features.stream().map(HostFeature::word).toList());
      reports = session.preflight(ask, TimingContract.PREFLIGHT, this::other);
      if (abort.aborted()) throw new InterruptedException(abort.reason());
      listeners.preflight(reports);
      var problems = new ArrayList<String>();
      reports.forEach((h, r) -> r.problems().forEach(p -> problems.add("host " + name(h) + ": " + p)));
      if (!problems.isEmpty()) {
        return "pre-flight found " + problems.size() + " problem(s), nothing deployed: " + String.join("; ", problems);
      }
      reports.forEach((h, r) -> say("run " + runId + ": pre-flight " + name(h) + ": " + summary(r)));
      return null;
    }

    /** The name a host goes by in the run: the engine's host name with the one local agent. */
    private String name(String h) {
      var hello = hellos == null ? null : hellos.get(h);
      return !agents.remote() && hello != null && hello.host() != null ? hello.host() : h;
    }

    private String summary(AgentMessage.PreflightReport r) {
      var b = new StringBuilder("engine ").append(r.dockerVersion()).append(" (").append(r.swarmState()).append(")");
      if (r.ntpServer() != null && r.clockOffsetMs() != null) {
        b.append(String.format(java.util.Locale.ROOT, ", clock %+.3f ms", r.clockOffsetMs()));
        if (r.clockUncertaintyMs() != null) b.append(String.format(java.util.Locale.ROOT, " ± %.3f ms", r.clockUncertaintyMs()));
        b.append(" against ").append(r.ntpServer());
      }
      if (!r.features().isEmpty()) {
        b.append(", ");
        b.append(String.join(", ", r.features().entrySet().stream().map(e -> e.getKey() + " " + e.getValue()).toList()));
      }
      return b.toString();
    }

    /** Each host as pre-flight saw it, for a run.json written before arm. */
    List<RunManifest.HostInfo> preflightHosts() {
      if (hellos == null || reports == null) return List.of();
      var infos = new ArrayList<RunManifest.HostInfo>();
      for (String h : session.hosts()) {
        var hello = hellos.get(h);
        infos.add(withPreflight(new RunManifest.HostInfo(name(h), hello.nodeId(), hello.dockerVersion(), hello.kernel(),
            hello.cores(), hello.memBytes(), req.ntpServer(), null, null, null, null, null), h));
      }
      return List.copyOf(infos);
    }

    private RunManifest.HostInfo withPreflight(RunManifest.HostInfo info, String h) {
      var r = reports == null ? null : reports.get(h);
      if (r == null) return info;
      return info.withPreflight(r.features(), new RunManifest.Preflight(r.swarmState(), r.clockOffsetMs(), r.clockUncertaintyMs()));
    }

    /** Arms the agents {@link #connect} checked (the stack is up), then runs until every agent ended. */
    void converse(Manifest manifest) throws IOException, InterruptedException {
      Map<String, AgentMessage.Armed> acks;
      try {
        enter(State.ARMING);
        armSent = true;
        t0 = time.now().plus(settings.armLead());
        JsonNode planJson = PlanJson.mapper().readTree(PlanJson.write(req.plan()));
        acks = session.arm((h, manager) -> new MasterMessage.Arm(runId, planJson, t0, stack.name(), stack.serviceNames(), manager,
            agents.recordsDir(h, runId, runDir), agents.faultsDir(h, req.faultsDir()), req.ntpServer(),
            settings.statsIntervalMs(), settings.stopGraceMs(), req.ntpResyncMillis()), settings.helloTimeout(), this::other);
      } catch (AgentSession.Failed e) {
        fail(e.getMessage());
        return;
      }
      armed = true;
      var infos = new ArrayList<RunManifest.HostInfo>();
      for (String h : session.hosts()) {
        var hello = hellos.get(h);
        var ack = acks.get(h);
        boolean local = !agents.remote();
        String name = local && hello.host() != null ? hello.host() : h;
        infos.add(withPreflight(new RunManifest.HostInfo(name,
            hello.nodeId() != null ? hello.nodeId() : local ? engine.nodeId() : null,
            hello.dockerVersion() != null ? hello.dockerVersion() : local ? engine.version() : null, hello.kernel(),
            hello.cores(), hello.memBytes(), req.ntpServer(), ack.clockOffsetMs(),
            ack.clockUncertaintyMs(), null, null, null), h));
      }
      hosts = List.copyOf(infos);
      manifest.write(runDir, t0, hosts, RunManifest.RUNNING, null, null);
      say("run " + runId + ": armed" + (session.single() ? "" : " " + session.hosts().size() + " agents") + ", T0 = "
          + RecordJson.format(t0) + ", end after " + req.plan().endMillis() / 1000.0 + " s");

      listeners.armed(t0, acks);
      enter(State.RUNNING);
      runUntilEnded();
    }

    private void runUntilEnded() throws InterruptedException {
      long endDeadline = time.nanoTime() + Duration.between(time.now(), t0).toNanos()
          + Duration.ofMillis(req.plan().endMillis()).toNanos() + settings.endGrace().toNanos();
      Long abortDeadline = null;
      boolean userAbort = false;
      String failure = null;
      long nextTick = time.nanoTime();
      var triggers = new RunTriggers(req.plan(), t0, time, runDir);
      {
        while (true) {
          long now = time.nanoTime();
          if (triggers.any() && abortDeadline == null) {
            for (var v : triggers.tick()) {
              String f = onVerdict(v);
              if (f != null && failure == null) {
                failure = f;
                session.abort(f);
                abortDeadline = now + settings.abortWait().toNanos();
              }
            }
          }
          if (abortDeadline == null && abort.aborted()) {
            userAbort = true;
            say("run " + runId + ": aborting (" + abort.reason() + "): " + session.whoAll(session.live()) + " heal"
                + (session.single() ? "s" : "") + " every active fault");
            session.abort(abort.reason());
            abortDeadline = now + settings.abortWait().toNanos();
          }
          if (abortDeadline == null) {
            var silent = session.silentFor(settings.agentSilence());
            if (now >= endDeadline || !silent.isEmpty()) {
              failure = now >= endDeadline
                  ? session.whoAll(session.live()) + " did not end within " + settings.endGrace().toSeconds() + " s of the planned end"
                  : session.whoAll(silent) + (silent.size() > 1 ? " were" : " was") + " silent for " + settings.agentSilence().toSeconds() + " s";
              say("error: " + failure + "; aborting");
              session.abort(failure);
              abortDeadline = now + settings.abortWait().toNanos();
            }
          }
          if (abortDeadline != null && now >= abortDeadline) {
            finish(userAbort ? RunManifest.ABORTED : RunManifest.FAILED,
                (failure != null ? failure : abort.reason()) + "; " + session.whoAll(session.live())
                    + " did not confirm the abort within " + settings.abortWait().toSeconds() + " s");
            return;
          }
          for (var note : abort.drainNotes()) listeners.message(note.level(), note.text());
          if (now >= nextTick) {
            listeners.tick(elapsedMillis());
            nextTick = now + settings.heartbeat().toNanos();
          }
          if (session.live().isEmpty()) {
            finishAll(userAbort, failure);
            return;
          }
          // at most 50 ms: an abort asked from another thread (Ctrl-C, the safety loop) is acted on within that
          var event = session.next(Duration.ofNanos(Math.max(1, Math.min(nextTick - time.nanoTime(), 50_000_000L))));
          if (event instanceof AgentSession.Lost l) {
            loseHost(l.host(), l.why());
          } else if (event instanceof AgentSession.Garbled g) {
            say("warning: from " + session.who(g.host()) + ": " + g.problem());
          } else if (event instanceof AgentSession.Said s) {
            String h = s.host();
            var m = s.message();
            if (m instanceof AgentMessage.Progress p) {
              listeners.actionFired(h, p, elapsedMillis());
            } else if (m instanceof AgentMessage.Addresses a) {
              session.relayAddresses(h, a);
            } else if (m instanceof AgentMessage.WorkloadSample w) {
              listeners.workloadSample(h, w);
              if (triggers.any()) triggers.workload(w).forEach(this::onVerdict);
            } else if (m instanceof AgentMessage.TriggerObservation o) {
              triggers.observed(o).forEach(this::onVerdict);
            } else if (m instanceof AgentMessage.Ended e) {
              listeners.agentEnded(h, e, elapsedMillis());
              say(String.format(java.util.Locale.ROOT, "run %s: %s ended the run (%s) at %.1f s%s%s", runId,
                  session.who(h), e.outcome(), elapsedMillis() / 1000.0,
                  e.healed() != null && e.healed() > 0 ? " and healed " + e.healed() + " active fault(s)" : "",
                  session.live().isEmpty() ? "; cleaning up" : ""));
            } else if (m instanceof AgentMessage.Error e) {
              failure = session.who(h) + " reported an error: " + e.message();
              say("error: " + failure);
              if (abortDeadline == null) {
                session.abort(failure);
                abortDeadline = time.nanoTime() + settings.abortWait().toNanos();
              }
            } else {
              other(s);
            }
          }
        }
      }
    }

    /**
     * A triggered moment decided: fired (every agent fires its actions now) or timed out. Returns
     * the run's failure for {@code on_timeout: fail}, else null.
     */
    private String onVerdict(dev.reprise.agent.trigger.TriggerJudge.Verdict v) {
      double at = Duration.between(t0, v.instant()).toMillis() / 1000.0;
      switch (v.kind()) {
        case FIRED -> {
          session.fireMoment(v.moment(), v.instant());
          say(String.format(java.util.Locale.ROOT, "run %s: moment %d fired at %.1f s: %s", runId, v.moment(), at, v.condition()));
          return null;
        }
        case SKIPPED -> {
          say(String.format(java.util.Locale.ROOT, "run %s: moment %d skipped at %.1f s: %s did not hold in time", runId, v.moment(), at,
              v.condition()));
          return null;
        }
        default -> {
          String f = String.format(java.util.Locale.ROOT, "moment %d timed out at %.1f s: %s did not hold in time (on_timeout: fail)",
              v.moment(), at, v.condition());
          say("error: " + f + "; aborting");
          return f;
        }
      }
    }

    /** A host whose agent is gone mid-run: recorded (by the session), said, and the others go on. */
    private void loseHost(String host, String why) {
      if (!session.single()) {
        say(String.format(java.util.Locale.ROOT, "error: lost host %s at %.1f s: %s; the other hosts go on", host,
            elapsedMillis() / 1000.0, why));
      }
    }

    /** Every agent ended or was lost: the outcome of the whole run. */
    private void finishAll(boolean userAbort, String failure) {
      var lost = session.lost();
      if (session.single() && !lost.isEmpty()) {
        finish(userAbort ? RunManifest.ABORTED : RunManifest.FAILED, lost.values().iterator().next());
        return;
      }
      String o = RunManifest.OK;
      String r = null;
      var ended = session.ended();
      for (String h : session.hosts()) {
        var end = ended.get(h);
        if (end != null && !RunManifest.OK.equals(end.outcome())) {
          o = end.outcome() == null ? RunManifest.FAILED : end.outcome();
          r = (session.single() ? "" : h + ": ") + (end.reason() == null ? "the agent ended " + o : end.reason());
          break;
        }
      }
      if (userAbort) {
        o = RunManifest.ABORTED;
        r = abort.reason();
      } else if (failure != null) {
        o = RunManifest.FAILED;
        r = failure;
      }
      if (!lost.isEmpty()) {
        if (!userAbort) o = RunManifest.FAILED;
        var lines = new ArrayList<String>();
        lost.forEach((h, why) -> lines.add("lost host " + h + ": " + why));
        r = (r == null ? "" : r + "; ") + String.join("; ", lines);
      }
      finish(o, r);
    }

    private void finish(String o, String r) {
      outcome = o;
      reason = RunManifest.OK.equals(o) ? null : r;
    }

    private void fail(String why) {
      say("error: " + why);
      finish(RunManifest.FAILED, why);
    }

    private long elapsedMillis() {
      return Duration.between(t0, time.now()).toMillis();
    }

    /** Host + type of every unknown message already warned about. */
    private final java.util.Set<String> unknownTypes = new java.util.HashSet<>();

    /** What an agent said that is not part of the step in progress: logs are shown, unknown types warned about (once each). */
    private void other(AgentSession.Event event) {
      if (event instanceof AgentSession.Garbled g) {
        say("warning: from " + session.who(g.host()) + ": " + g.problem());
        return;
      }
      if (!(event instanceof AgentSession.Said s)) return;
      String host = s.host();
      String prefix = session.single() ? "agent: " : "agent " + host + ": ";
      if (s.message() instanceof AgentMessage.Log l) {
        String level = l.level() == null ? "info" : l.level();
        say((level.equals("info") ? prefix : level + ": " + prefix) + l.message());
      } else if (s.message() instanceof AgentMessage.Addresses a) {
        session.relayAddresses(host, a);
      } else if (s.message() instanceof AgentMessage.Unknown u) {
        // once per host and type: a newer agent's message may come every second
        if (unknownTypes.add(host + "\n" + u.type())) {
          say("warning: " + session.who(host) + " sent a message of unknown type '" + u.type() + "'; ignored");
        }
      }
      // heartbeats (and progress or workload samples outside the run loop, i.e. before every agent armed)
      // only prove the agent is alive
    }

    /** Closes the agents' links (idempotent): an agent that has not ended sees EOF and heals. */
    void close() {
      if (session != null) session.close();
    }
  }

  /** Hands every event to each listener in turn; a listener's exception is dropped (see {@link RunListener}). */
  /** Every listener of this run, in the order they hear things (the handle attaches itself to each). */
  List<RunListener> listeners() {
    return ((Fanout) listeners).all;
  }

  private static final class Fanout implements RunListener {
    private final List<RunListener> all;

    Fanout(List<RunListener> all) {
      this.all = all;
    }

    private void each(Consumer<RunListener> call) {
      for (var l : all) {
        try {
          call.accept(l);
        } catch (RuntimeException e) {
          // a listener's bug is not the run's problem
        }
      }
    }

    @Override
    public void stateChanged(State from, State to) {
      each(l -> l.stateChanged(from, to));
    }

    @Override
    public void message(Level level, String text) {
      each(l -> l.message(level, text));
    }

    @Override
    public void preflight(Map<String, AgentMessage.PreflightReport> byHost) {
      each(l -> l.preflight(byHost));
    }

    @Override
    public void deploying(String runId, Path runDir) {
      each(l -> l.deploying(runId, runDir));
    }

    @Override
    public void armed(Instant t0, Map<String, AgentMessage.Armed> byHost) {
      each(l -> l.armed(t0, byHost));
    }

    @Override
    public void actionFired(String host, AgentMessage.Progress progress, long elapsedMillis) {
      each(l -> l.actionFired(host, progress, elapsedMillis));
    }

    @Override
    public void agentEnded(String host, AgentMessage.Ended ended, long elapsedMillis) {
      each(l -> l.agentEnded(host, ended, elapsedMillis));
    }

    @Override
    public void workloadSample(String host, AgentMessage.WorkloadSample sample) {
      each(l -> l.workloadSample(host, sample));
    }

    @Override
    public void tick(long elapsedMillis) {
      each(l -> l.tick(elapsedMillis));
    }

    @Override
    public void ended(Result result) {
      each(l -> l.ended(result));
    }
  }

  /** Writes run.json, atomically (a reader never sees half a file). */
  private final class Manifest {
    final RunRequest req;
    final String runId;
    final Instant start;
    final RunManifest.SourceFile scenario;
    final RunManifest.SourceFile compose;
    final JsonNode plan;

    Manifest(RunRequest req, String runId, Instant start) {
      this.req = req;
      this.runId = runId;
      this.start = start;
      this.scenario = new RunManifest.SourceFile(req.scenarioFile().toString(), sha256(req.scenarioText()), req.scenarioText());
      this.compose = new RunManifest.SourceFile(req.composeFile().toString(), sha256(req.composeText()), req.composeText());
      try {
        this.plan = PlanJson.mapper().readTree(PlanJson.write(req.plan()));
      } catch (IOException e) {
        throw new IllegalStateException("PlanJson wrote what it cannot read", e);
      }
    }

    List<RunManifest.FaultScript> faultScripts;
    List<RunManifest.ImageFact> images;
    List<RunManifest.ServiceSpec> services;

    /**
     * What a replay needs besides the scenario and compose text: the plan's custom fault scripts copied
     * into {@code inputs/faults/} (attributes, executable bits included, kept) with their sha256, the
     * engine's facts of every image, and each service as deployed. Images the engine cannot be asked
     * about, and a script missing from the faults folder, are warnings (recorded with null IDs / sha256);
     * a script that cannot be copied fails the run.
     */
    void recordInputs(Path runDir, Orchestrator.Stack stack) throws IOException {
      var names = new java.util.TreeSet<String>();
      for (var a : req.plan().actions()) {
        if (a instanceof dev.reprise.fdsl.plan.FaultAction f && f.fault() instanceof dev.reprise.fdsl.model.CustomFault c
            && c.faultFileName() != null) {
          names.add(c.faultFileName());
        }
      }
      var scripts = new ArrayList<RunManifest.FaultScript>();
      if (!names.isEmpty()) {
        Path into = runDir.resolve(INPUT_FAULTS);
        Files.createDirectories(into);
        for (String name : names) {
          Path from = req.faultsDir() == null ? null : req.faultsDir().resolve(name);
          if (from == null || !Files.isRegularFile(from)) {
            say("warning: custom fault script " + name + " is not in " + req.faultsDir() + "; run.json records it without a copy");
            scripts.add(new RunManifest.FaultScript(name, null));
            continue;
          }
          Path to = into.resolve(name);
          Files.copy(from, to, StandardCopyOption.COPY_ATTRIBUTES, StandardCopyOption.REPLACE_EXISTING);
          scripts.add(new RunManifest.FaultScript(name, sha256(Files.readAllBytes(to))));
        }
      }
      faultScripts = List.copyOf(scripts);
      services = stack.describeServices();
      try {
        images = orchestrator.imageFacts(stack.images());
      } catch (OrchestratorException e) {
        say("warning: cannot read the images' IDs for run.json: " + e.getMessage());
        images = stack.images().stream().map(i -> new RunManifest.ImageFact(i, null, null)).toList();
      }
    }

    void write(Path runDir, Instant t0, List<RunManifest.HostInfo> hosts, String outcome, String reason, Instant end)
        throws IOException {
      var trip = RunManifest.ABORTED.equals(outcome) ? abort.trip() : null;
      var m = new RunManifest(RunManifest.FORMAT, req.name(), runId, toolVersion(), scenario, compose, req.seed(), plan,
          hosts, t0, start, end, outcome, reason, trip, faultScripts, images, services, req.replayOf());
      Path tmp = runDir.resolve("run.json.tmp");
      Files.writeString(tmp, RecordJson.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(m) + "\n");
      Files.move(tmp, runDir.resolve("run.json"), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
  }

  /**
   * Each host with the summary of its clock resyncs, read from its {@code clock.jsonl}: the host's
   * collected copy ({@code hosts/<name>/}) in a multi-host run, the run folder's own with the one
   * local agent. A host whose file is missing or unreadable keeps its arm-time figures only.
   */
  private List<RunManifest.HostInfo> withClockResyncs(Path runDir, List<RunManifest.HostInfo> hosts) {
    var out = new ArrayList<RunManifest.HostInfo>();
    for (var h : hosts) {
      Path file = agents.remote() ? runDir.resolve("hosts").resolve(h.name()).resolve("clock.jsonl") : runDir.resolve("clock.jsonl");
      if (h.ntpServer() == null || !Files.exists(file)) {
        out.add(h);
        continue;
      }
      try (var lines = Files.lines(file)) {
        out.add(h.withResyncs(lines.filter(l -> !l.isBlank()).map(l -> RecordJson.parse(l, ClockRecord.class)).toList()));
      } catch (IOException | RuntimeException e) {
        say("warning: cannot read " + file + ": " + e.getMessage());
        out.add(h);
      }
    }
    return out;
  }

  /**
   * The run folder of a run that ended before anything was deployed: removed when it holds nothing
   * but {@code run.json} (returns null), kept with {@code run.json} rewritten to {@code outcome}
   * when something else is in it (returns it).
   */
  private Path discardFolder(Path runDir, Manifest manifest, Outcome outcome, String reason) {
    try {
      Files.deleteIfExists(runDir.resolve("run.json.tmp"));
      try (var entries = Files.list(runDir)) {
        if (entries.allMatch(p -> p.getFileName().toString().equals("run.json") || p.getFileName().toString().equals(INPUTS))) {
          deleteTree(runDir.resolve(INPUTS));
          Files.deleteIfExists(runDir.resolve("run.json"));
          Files.delete(runDir);
          return null;
        }
      }
      manifest.write(runDir, null, List.of(), outcome == Outcome.ABORTED ? RunManifest.ABORTED : RunManifest.FAILED, reason,
          time.now());
    } catch (IOException e) {
      say("warning: cannot remove the run folder " + runDir + ": " + e.getMessage());
    }
    return runDir;
  }

  /** Whether {@code host} names this machine's loopback (by its literal form: no name is looked up). */
  public static boolean isLoopback(String host) {
    if (host == null) return false;
    String h = host.strip().toLowerCase(java.util.Locale.ROOT);
    if (h.startsWith("[") && h.endsWith("]")) h = h.substring(1, h.length() - 1);
    return h.equals("localhost") || h.endsWith(".localhost") || h.startsWith("127.") || h.equals("::1")
        || h.equals("0:0:0:0:0:0:0:1");
  }

  static String toolVersion() {
    String v = RunCoordinator.class.getPackage().getImplementationVersion();
    return v == null ? "dev" : v;
  }

  /** The run folder's copy of the run's inputs besides run.json (the fault scripts in {@link #INPUT_FAULTS}). */
  public static final String INPUTS = "inputs";
  /** Where in the run folder the plan's custom fault scripts are kept, each under its name. */
  public static final String INPUT_FAULTS = INPUTS + "/faults";

  private static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) return;
    try (var walk = Files.walk(root)) {
      for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) Files.delete(p);
    }
  }

  static String sha256(String text) {
    return sha256(text.getBytes(StandardCharsets.UTF_8));
  }

  /** The lower-case hex sha256 of {@code bytes}. */
  public static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }

  private static String firstLine(String s) {
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl) + " …";
  }
}
