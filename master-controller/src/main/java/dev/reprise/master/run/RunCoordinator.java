package dev.reprise.master.run;

import com.fasterxml.jackson.databind.JsonNode;
import dev.reprise.agent.protocol.AgentMessage;
import dev.reprise.agent.protocol.MasterMessage;
import dev.reprise.fdsl.plan.PlanJson;
import dev.reprise.fdsl.record.ClockRecord;
import dev.reprise.fdsl.record.RecordJson;
import dev.reprise.fdsl.record.RunManifest;
import dev.reprise.master.agentlink.AgentConnection;
import dev.reprise.master.agentlink.AgentConnection.Incoming;
import dev.reprise.master.orchestrator.ComposeException;
import dev.reprise.master.orchestrator.DeployException;
import dev.reprise.master.orchestrator.Orchestrator;
import dev.reprise.master.orchestrator.OrchestratorException;
import dev.reprise.master.orchestrator.OrchestratorUnreachableException;
import dev.reprise.master.run.time.Time;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Runs one scenario on a swarm with the run's agents ({@link RunAgents}: the embedded one on the
 * local engine, or one per host over SSH with {@code cluster} reaching the manager's engine):
 * translate the compose file, make sure a swarm exists, create the run folder and {@code run.json},
 * deploy, wait for the initial containers, hello → arm (one T0 for all) → heartbeats and progress →
 * {@code ended} from every agent, collect the hosts' records (multi-host only), rewrite
 * {@code run.json}, remove the stack, export, print the run folder as the last line of stdout.
 *
 * <p>A single-threaded state machine ({@link State}): {@link #run} is called once, on one thread.
 * The only other thread that takes part is the shutdown hook, through the {@link AbortSignal}: it
 * asks for an abort and waits until this coordinator has healed (via the agent), removed the stack
 * and written the run folder. The stack is removed on every path once deploying began.
 */
public final class RunCoordinator {

  /**
   * Where the run is. Transitions only go forward; {@link #DONE} is reached on every path.
   * {@link #COLLECTING_RECORDS} only in a multi-host run ({@link RunAgents#remote()}).
   */
  public enum State {
    NEW, CHECKING_ENGINE, CREATING_FOLDER, DEPLOYING, WAITING_FOR_CONTAINERS, CONNECTING_AGENT, ARMING, RUNNING,
    STOPPING_AGENT, COLLECTING_RECORDS, REMOVING_STACK, EXPORTING, DONE
  }

  /** Starts an agent for a run; the embedded default runs it in-process. */
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
   * @param outcome {@code ok}, {@code failed} or {@code aborted}; {@code invalid} / {@code environment} when nothing ran
   * @param runDir the run folder, null when none was created
   * @param exitCode the CLI's exit code
   */
  public record Result(String outcome, String reason, Path runDir, int exitCode) {}

  private final Orchestrator orchestrator;
  private final RunAgents agents;
  private final RunExporter exporter;
  private final Time time;
  private final PrintStream out;
  private final PrintStream err;
  private final boolean tty;
  private final RunSettings settings;
  private final AbortSignal abort;
  private final List<State> history = new ArrayList<>();
  private State state = State.NEW;

  /** The embedded default: one agent, started by {@code agents}, writing into the run folder. */
  public RunCoordinator(Orchestrator orchestrator, AgentLauncher agents, RunExporter exporter, Time time,
      PrintStream out, PrintStream err, boolean tty, RunSettings settings, AbortSignal abort) {
    this(orchestrator, RunAgents.embedded(agents), exporter, time, out, err, tty, settings, abort);
  }

  /**
   * Any agents: {@code orchestrator} deploys on the cluster (on Swarm through the manager's engine,
   * possibly reached through an SSH forward), {@code agents} the run's agents (a fleet over SSH in a
   * multi-host run).
   */
  public RunCoordinator(Orchestrator orchestrator, RunAgents agents, RunExporter exporter, Time time,
      PrintStream out, PrintStream err, boolean tty, RunSettings settings, AbortSignal abort) {
    this.orchestrator = orchestrator;
    this.agents = agents;
    this.exporter = exporter;
    this.time = time;
    this.out = out;
    this.err = err;
    this.tty = tty;
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
    state = next;
    history.add(next);
  }

  /**
   * Carries out the run, translating its compose file (once; an invalid one ends it with exit code 2
   * before the cluster is contacted); never throws for run failures (they are in the result). Call once.
   */
  public Result run(RunRequest request) {
    return run(request, null);
  }

  /**
   * Carries out the run with its compose file already translated by the caller ({@code master run
   * --hosts} translates before the hosts are set up, to ship the stack's images), so it is not
   * translated again; {@code translated} null translates here. Call once.
   */
  public Result run(RunRequest request, Orchestrator.Translation translated) {
    if (state != State.NEW) throw new IllegalStateException("a RunCoordinator runs once");
    try {
      return doRun(request, translated);
    } finally {
      enter(State.DONE);
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
        translation = orchestrator.translate(req.composeFile(), req.composeText(), req.plan().beginning());
      } catch (ComposeException e) {
        e.problems().forEach(p -> err.println(p));
        return new Result("invalid", e.problems().size() + " problem(s) in " + req.composeFile(), null, 2);
      }
      translation.warnings().forEach(w -> err.println(w));
    }

    Orchestrator.Cluster engine;
    try {
      engine = orchestrator.prepare();
      if (engine.prepared() != null) err.println(engine.prepared());
    } catch (OrchestratorUnreachableException e) {
      err.println("error: " + e.getMessage());
      return new Result("environment", e.getMessage(), null, 3);
    } catch (OrchestratorException e) {
      err.println("error: " + e.getMessage());
      return new Result("environment", e.getMessage(), null, 3);
    }
    if (abort.aborted()) return new Result(RunManifest.ABORTED, abort.reason(), null, 1);

    enter(State.CREATING_FOLDER);
    Path runDir;
    try {
      runDir = RunFolders.create(req.outDir(), req.name(), start).toAbsolutePath();
    } catch (IOException e) {
      err.println("error: cannot create the run folder under " + req.outDir() + ": " + e.getMessage());
      return new Result("environment", e.getMessage(), null, 3);
    }
    String runId = runDir.getFileName().toString();
    Orchestrator.Stack stack = translation.stack().named(runId);
    orchestrator.warnings(stack).forEach(err::println);

    var manifest = new Manifest(req, runId, start);
    try {
      manifest.write(runDir, null, List.of(), RunManifest.RUNNING, null, null);
    } catch (IOException e) {
      err.println("error: cannot write " + runDir.resolve("run.json") + ": " + e.getMessage());
      return new Result(RunManifest.FAILED, e.getMessage(), runDir, 1);
    }
    err.println("run " + runId + ": deploying stack " + runId + " (" + stack.serviceNames().size() + " service(s)) on "
        + engine.hostname());

    String outcome;
    String reason = null;
    Instant t0 = null;
    List<RunManifest.HostInfo> hosts = List.of();
    boolean armed = false;
    AgentSession session = null;
    try {
      enter(State.DEPLOYING);
      orchestrator.deploy(stack);
      enter(State.WAITING_FOR_CONTAINERS);
      orchestrator.awaitInitialContainers(stack, settings.containersTimeout(), abort::aborted);
      if (abort.aborted()) throw new InterruptedException(abort.reason());

      enter(State.CONNECTING_AGENT);
      session = new AgentSession(req, runId, runDir, stack, engine);
      try {
        session.converse(manifest);
      } finally {
        enter(State.STOPPING_AGENT);
        session.close();
      }
      t0 = session.t0;
      hosts = session.hosts;
      armed = session.armed;
      outcome = session.outcome;
      reason = session.reason;
    } catch (DeployException e) {
      err.println("error: " + e.getMessage());
      outcome = RunManifest.FAILED;
      reason = e.getMessage();
    } catch (InterruptedException e) {
      outcome = RunManifest.ABORTED;
      reason = abort.reason() != null ? abort.reason() : "interrupted";
    } catch (OrchestratorException e) {
      err.println("error: " + e.getMessage());
      outcome = RunManifest.FAILED;
      reason = e.getMessage();
    } catch (IOException e) {
      String what = agents.remote() ? "cannot start the agents: " : "cannot start the embedded agent: ";
      err.println("error: " + what + e.getMessage());
      outcome = RunManifest.FAILED;
      reason = what + e.getMessage();
    } catch (RuntimeException e) {
      // a bug of ours: still heal (the agent link is closed), remove the stack and write the folder
      err.println("error: " + e);
      outcome = RunManifest.FAILED;
      reason = "internal error: " + e;
    }

    if (agents.remote() && session != null && session.started) {
      enter(State.COLLECTING_RECORDS);
      try {
        var missing = agents.collect(runDir, runId);
        if (!missing.isEmpty()) {
          missing.forEach(m -> err.println("warning: " + m));
          String why = "the records of some hosts are missing (" + String.join("; ", missing) + "); retry with `master collect "
              + runDir + " --hosts FILE`";
          if (RunManifest.OK.equals(outcome)) outcome = RunManifest.FAILED;
          reason = reason == null ? why : reason + "; " + why;
        } else {
          err.println("run " + runId + ": collected and merged the records of " + hosts.size() + " host(s)");
        }
      } catch (IOException | RuntimeException e) {
        err.println("error: cannot collect the records: " + e.getMessage());
        if (RunManifest.OK.equals(outcome)) outcome = RunManifest.FAILED;
        reason = (reason == null ? "" : reason + "; ") + "cannot collect the records: " + e.getMessage();
      }
    }

    hosts = withClockResyncs(runDir, hosts);
    try {
      manifest.write(runDir, t0, hosts, outcome, reason, time.now());
    } catch (IOException e) {
      err.println("error: cannot rewrite " + runDir.resolve("run.json") + ": " + e.getMessage());
    }

    enter(State.REMOVING_STACK);
    var removal = orchestrator.remove(runId, settings.removeTimeout());
    if (removal.problems().isEmpty()) {
      err.println("run " + runId + ": removed stack " + runId + " (" + removal.services().size() + " service(s), "
          + removal.networks().size() + " network(s))");
    } else {
      err.println("warning: stack " + runId + " was not removed completely:");
      removal.problems().forEach(p -> err.println("  " + p));
    }

    if (req.export() && armed && !RunManifest.ABORTED.equals(outcome)) {
      enter(State.EXPORTING);
      try {
        exporter.export(runDir);
      } catch (Exception e) {
        err.println("warning: export failed (the run folder is complete; retry with `master export " + runDir + "`): " + e);
      }
    }
    err.println("run " + runId + ": " + outcome + (reason == null ? "" : " (" + firstLine(reason) + ")"));
    out.println(runDir);
    out.flush();
    err.flush();
    return new Result(outcome, reason, runDir, RunManifest.OK.equals(outcome) ? 0 : 1);
  }

  /**
   * The conversation with the run's agents, from hello to ended: one agent in the embedded default,
   * one per host in a multi-host run. All of them are polled from this (the coordinator's) thread.
   * A host whose agent's stream closes mid-run is lost: the others go on, the run fails, and the
   * reason names the lost hosts. A refusal, an error, silence or the end deadline abort all of them.
   */
  private final class AgentSession {
    final RunRequest req;
    final String runId;
    final Path runDir;
    final Orchestrator.Stack stack;
    final Orchestrator.Cluster engine;
    final ProgressView view;
    final Map<String, AgentConnection> links = new LinkedHashMap<>();
    final Map<String, Long> lastHeard = new HashMap<>();
    final Set<String> sendFailed = new HashSet<>();
    final Map<String, AgentMessage.Ended> ended = new LinkedHashMap<>();
    final Map<String, String> lost = new LinkedHashMap<>();
    Instant t0;
    List<RunManifest.HostInfo> hosts = List.of();
    boolean started;
    boolean armed;
    String outcome = RunManifest.FAILED;
    String reason;
    long nextHeartbeat;

    AgentSession(RunRequest req, String runId, Path runDir, Orchestrator.Stack stack, Orchestrator.Cluster engine) {
      this.req = req;
      this.runId = runId;
      this.runDir = runDir;
      this.stack = stack;
      this.engine = engine;
      this.view = new ProgressView(err, tty, req.plan());
    }

    private boolean single() {
      return links.size() == 1;
    }

    /** "the agent" alone, "the agent on HOST" in a multi-host run: the single-host wording stays as it was. */
    private String who(String host) {
      return single() ? "the agent" : "the agent on " + host;
    }

    private String whoAll(Collection<String> hosts) {
      return single() ? "the agent" : "the agents on " + String.join(", ", hosts);
    }

    private List<String> live() {
      var l = new ArrayList<String>();
      for (String h : links.keySet()) if (!ended.containsKey(h) && !lost.containsKey(h)) l.add(h);
      return l;
    }

    void converse(Manifest manifest) throws IOException, InterruptedException {
      links.putAll(agents.start(runId, engine));
      started = true;
      long now = time.nanoTime();
      links.keySet().forEach(h -> lastHeard.put(h, now));
      nextHeartbeat = now;
      for (String h : links.keySet()) send(h, new MasterMessage.Hello(AgentMessage.PROTOCOL, runId, h));
      var hellos = new LinkedHashMap<String, AgentMessage.Hello>();
      long helloDeadline = time.nanoTime() + settings.helloTimeout().toNanos();
      for (String h : links.keySet()) {
        var hello = (AgentMessage.Hello) await(h, m -> m instanceof AgentMessage.Hello, helloDeadline, "hello");
        if (hello == null) return;
        if (hello.protocol() != null && hello.protocol() != AgentMessage.PROTOCOL) {
          fail(who(h) + " speaks protocol " + hello.protocol() + ", this master " + AgentMessage.PROTOCOL);
          return;
        }
        hellos.put(h, hello);
      }

      enter(State.ARMING);
      t0 = time.now().plus(settings.armLead());
      JsonNode planJson = PlanJson.mapper().readTree(PlanJson.write(req.plan()));
      boolean manager = true;
      for (String h : links.keySet()) {
        send(h, new MasterMessage.Arm(runId, planJson, t0, stack.name(), stack.serviceNames(), manager,
            agents.recordsDir(h, runId, runDir), agents.faultsDir(h, req.faultsDir()), req.ntpServer(),
            settings.statsIntervalMs(), settings.stopGraceMs(), req.ntpResyncMillis()));
        manager = false;
      }
      var acks = new LinkedHashMap<String, AgentMessage.Armed>();
      long armDeadline = time.nanoTime() + settings.helloTimeout().toNanos();
      for (String h : links.keySet()) {
        var ack = (AgentMessage.Armed) await(h, m -> m instanceof AgentMessage.Armed, armDeadline, "armed");
        if (ack == null) {
          // the others may have armed already: they must not fire (closing would stop them too, this says why)
          if (!single()) for (String other : links.keySet()) if (!other.equals(h)) send(other, new MasterMessage.Abort(reason));
          return;
        }
        acks.put(h, ack);
      }
      acks.forEach((h, ack) -> view.armed(h, ack.alive()));
      armed = true;
      var infos = new ArrayList<RunManifest.HostInfo>();
      for (String h : links.keySet()) {
        var hello = hellos.get(h);
        var ack = acks.get(h);
        boolean local = !agents.remote();
        String name = local && hello.host() != null ? hello.host() : h;
        infos.add(new RunManifest.HostInfo(name,
            hello.nodeId() != null ? hello.nodeId() : local ? engine.nodeId() : null,
            hello.dockerVersion() != null ? hello.dockerVersion() : local ? engine.version() : null, hello.kernel(),
            hello.cores(), hello.memBytes(), req.ntpServer(), ack.clockOffsetMs(),
            ack.clockUncertaintyMs(), null, null, null));
      }
      hosts = List.copyOf(infos);
      manifest.write(runDir, t0, hosts, RunManifest.RUNNING, null, null);
      err.println("run " + runId + ": armed" + (single() ? "" : " " + links.size() + " agents") + ", T0 = "
          + RecordJson.format(t0) + ", end after " + req.plan().endMillis() / 1000.0 + " s");

      enter(State.RUNNING);
      runUntilEnded();
    }

    private void runUntilEnded() throws InterruptedException {
      long endDeadline = time.nanoTime() + Duration.between(time.now(), t0).toNanos()
          + Duration.ofMillis(req.plan().endMillis()).toNanos() + settings.endGrace().toNanos();
      Long abortDeadline = null;
      boolean userAbort = false;
      String failure = null;
      try {
        while (true) {
          long now = time.nanoTime();
          if (abortDeadline == null && abort.aborted()) {
            userAbort = true;
            view.message("run " + runId + ": aborting (" + abort.reason() + "): " + whoAll(live()) + " heal"
                + (single() ? "s" : "") + " every active fault");
            abortAll(abort.reason());
            abortDeadline = now + settings.abortWait().toNanos();
          }
          if (abortDeadline == null) {
            var silent = new ArrayList<String>();
            for (String h : live()) if (now - lastHeard.get(h) >= settings.agentSilence().toNanos()) silent.add(h);
            if (now >= endDeadline || !silent.isEmpty()) {
              failure = now >= endDeadline
                  ? whoAll(live()) + " did not end within " + settings.endGrace().toSeconds() + " s of the planned end"
                  : whoAll(silent) + (silent.size() > 1 ? " were" : " was") + " silent for " + settings.agentSilence().toSeconds() + " s";
              view.message("error: " + failure + "; aborting");
              abortAll(failure);
              abortDeadline = now + settings.abortWait().toNanos();
            }
          }
          if (abortDeadline != null && now >= abortDeadline) {
            finish(userAbort ? RunManifest.ABORTED : RunManifest.FAILED,
                (failure != null ? failure : abort.reason()) + "; " + whoAll(live()) + " did not confirm the abort within "
                    + settings.abortWait().toSeconds() + " s");
            return;
          }
          if (now >= nextHeartbeat) {
            for (String h : live()) send(h, new MasterMessage.Heartbeat(time.now()));
            nextHeartbeat = now + settings.heartbeat().toNanos();
            view.tick(elapsedMillis());
          }
          for (String h : live()) {
            if (sendFailed.contains(h)) loseHost(h, "the agent's stream closed before it ended the run");
          }
          var polling = live();
          if (polling.isEmpty()) {
            finishAll(userAbort, failure);
            return;
          }
          long slice = Math.max(1, Math.min(nextHeartbeat - time.nanoTime(), 200_000_000L)) / polling.size();
          for (String h : polling) {
            Incoming in = links.get(h).poll(Duration.ofNanos(Math.max(1, slice)));
            if (in == null) continue;
            if (in instanceof Incoming.Closed c) {
              loseHost(h, "the agent's stream closed before it ended the run" + (c.cause() == null ? "" : ": " + c.cause()));
              continue;
            }
            if (in instanceof Incoming.Garbled g) {
              view.message("warning: from " + who(h) + ": " + g.problem());
              continue;
            }
            var m = ((Incoming.Message) in).message();
            lastHeard.put(h, time.nanoTime());
            if (m instanceof AgentMessage.Progress p) {
              view.progress(h, p, elapsedMillis());
            } else if (m instanceof AgentMessage.Ended e) {
              ended.put(h, e);
              view.message(String.format(java.util.Locale.ROOT, "run %s: %s ended the run (%s) at %.1f s%s%s", runId, who(h),
                  e.outcome(), elapsedMillis() / 1000.0,
                  e.healed() != null && e.healed() > 0 ? " and healed " + e.healed() + " active fault(s)" : "",
                  live().isEmpty() ? "; cleaning up" : ""));
            } else if (m instanceof AgentMessage.Error e) {
              failure = who(h) + " reported an error: " + e.message();
              view.message("error: " + failure);
              if (abortDeadline == null) {
                abortAll(failure);
                abortDeadline = time.nanoTime() + settings.abortWait().toNanos();
              }
            } else {
              other(h, m);
            }
          }
        }
      } finally {
        view.close();
      }
    }

    /** A host whose agent is gone mid-run: recorded, said, and the others go on. */
    private void loseHost(String host, String why) {
      lost.put(host, why);
      if (!single()) {
        view.message(String.format(java.util.Locale.ROOT, "error: lost host %s at %.1f s: %s; the other hosts go on", host,
            elapsedMillis() / 1000.0, why));
      }
    }

    /** Every agent ended or was lost: the outcome of the whole run. */
    private void finishAll(boolean userAbort, String failure) {
      if (single() && !lost.isEmpty()) {
        finish(userAbort ? RunManifest.ABORTED : RunManifest.FAILED, lost.values().iterator().next());
        return;
      }
      String o = RunManifest.OK;
      String r = null;
      for (var e : ended.entrySet()) {
        var end = e.getValue();
        if (!RunManifest.OK.equals(end.outcome())) {
          o = end.outcome() == null ? RunManifest.FAILED : end.outcome();
          r = (single() ? "" : e.getKey() + ": ") + (end.reason() == null ? "the agent ended " + o : end.reason());
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
      view.message("error: " + why);
      finish(RunManifest.FAILED, why);
    }

    private long elapsedMillis() {
      return Duration.between(t0, time.now()).toMillis();
    }

    private void abortAll(String why) {
      for (String h : live()) send(h, new MasterMessage.Abort(why));
    }

    /**
     * Waits until {@code host}'s agent sends the message {@code wanted} accepts, heartbeating every
     * agent meanwhile; null (and a failed outcome) when it does not come before {@code deadline}.
     * The other agents' messages wait in their links.
     */
    private AgentMessage await(String host, Predicate<AgentMessage> wanted, long deadline, String what) throws InterruptedException {
      var link = links.get(host);
      while (true) {
        if (abort.aborted()) throw new InterruptedException(abort.reason());
        long now = time.nanoTime();
        if (now >= deadline) {
          fail(who(host) + " did not send " + what + " within " + settings.helloTimeout().toSeconds() + " s");
          return null;
        }
        if (now >= nextHeartbeat) {
          for (String h : links.keySet()) send(h, new MasterMessage.Heartbeat(time.now()));
          nextHeartbeat = now + settings.heartbeat().toNanos();
        }
        if (sendFailed.contains(host)) {
          fail(who(host) + "'s stream closed before it sent " + what);
          return null;
        }
        Incoming in = link.poll(Duration.ofNanos(Math.max(1, Math.min(nextHeartbeat - time.nanoTime(), 200_000_000L))));
        if (in == null) continue;
        if (in instanceof Incoming.Closed c) {
          fail(who(host) + "'s stream closed before it sent " + what + (c.cause() == null ? "" : ": " + c.cause()));
          return null;
        }
        if (in instanceof Incoming.Garbled g) {
          view.message("warning: from " + who(host) + ": " + g.problem());
          continue;
        }
        var m = ((Incoming.Message) in).message();
        lastHeard.put(host, time.nanoTime());
        if (wanted.test(m)) return m;
        if (m instanceof AgentMessage.Error e) {
          fail(who(host) + " refused " + (what.equals("armed") ? "the plan" : "the hello") + ": " + e.message());
          return null;
        }
        if (m instanceof AgentMessage.Ended e) {
          fail(who(host) + " ended before the run began: " + e.outcome() + (e.reason() == null ? "" : " (" + e.reason() + ")"));
          return null;
        }
        other(host, m);
      }
    }

    private void other(String host, AgentMessage m) {
      String prefix = single() ? "agent: " : "agent " + host + ": ";
      if (m instanceof AgentMessage.Log l) {
        String level = l.level() == null ? "info" : l.level();
        view.message((level.equals("info") ? prefix : level + ": " + prefix) + l.message());
      } else if (m instanceof AgentMessage.Unknown u) {
        view.message("warning: " + who(host) + " sent a message of unknown type '" + u.type() + "'; ignored");
      }
      // heartbeats (and progress outside the run) only prove the agent is alive
    }

    private void send(String host, MasterMessage m) {
      if (sendFailed.contains(host)) return;
      try {
        links.get(host).send(m);
      } catch (IOException e) {
        sendFailed.add(host);
      }
    }

    void close() {
      links.values().forEach(AgentConnection::close);
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

    void write(Path runDir, Instant t0, List<RunManifest.HostInfo> hosts, String outcome, String reason, Instant end)
        throws IOException {
      var m = new RunManifest(RunManifest.FORMAT, req.name(), runId, toolVersion(), scenario, compose, req.seed(), plan,
          hosts, t0, start, end, outcome, reason);
      Path tmp = runDir.resolve("run.json.tmp");
      Files.writeString(tmp, RecordJson.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(m) + "\n");
      Files.move(tmp, runDir.resolve("run.json"), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
  }

  /**
   * Each host with the summary of its clock resyncs, read from its {@code clock.jsonl}: the host's
   * collected copy ({@code hosts/<name>/}) in a multi-host run, the run folder's own with the one
   * embedded agent. A host whose file is missing or unreadable keeps its arm-time figures only.
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
        err.println("warning: cannot read " + file + ": " + e.getMessage());
        out.add(h);
      }
    }
    return out;
  }

  static String toolVersion() {
    String v = RunCoordinator.class.getPackage().getImplementationVersion();
    return v == null ? "dev" : v;
  }

  static String sha256(String text) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }

  private static String firstLine(String s) {
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl) + " …";
  }
}
